import { DescribeFileSystemPolicyCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { mapBounded } from '../concurrency.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const EFS = 'elasticfilesystem.amazonaws.com';

/** What DescribeFileSystemPolicy answers for a file system that has only the default policy (EFS API reference). */
const NO_POLICY = 'PolicyNotFound';

/**
 * The account's EFS file systems in one region: each one's file system policy as the
 * PutFileSystemPolicy that would set it (efs-file-system-exposed). A file system without one has
 * the default policy, which the rule reads as DeleteFileSystemPolicy brings it back: nothing to
 * present. DescribeFileSystems pages by 100 (its default and the most it returns); one policy call
 * per file system.
 */
export const efsReader: StateReader = {
  id: 'efs',
  reach: 'regional',
  ruleIds: ['efs-file-system-exposed'],
  permissions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeFileSystemPolicy'],

  async read(target, sink) {
    const client = new EFSClient(target.clientConfig);
    try {
      let marker: string | undefined;
      do {
        const page = await client.send(new DescribeFileSystemsCommand(marker === undefined ? {} : { Marker: marker }));
        const ids = (page.FileSystems ?? []).flatMap((fileSystem) => fileSystem.FileSystemId ?? []);
        await mapBounded(ids, target.concurrency, (id) => readPolicy(client, id, target, sink));
        sink.progress('file systems', ids.length);
        marker = page.NextMarker;
      } while (marker !== undefined);
    } finally {
      client.destroy();
    }
  },
};

/** One file system's policy: a failure other than "no policy" (deleted meanwhile, denied) leaves it unread and the read goes on. */
async function readPolicy(client: EFSClient, id: string, target: ReadTarget, sink: StateSink): Promise<void> {
  let policy: string | undefined;
  try {
    ({ Policy: policy } = await client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id })));
  } catch (error) {
    const code = error instanceof Error ? error.name : 'Error';
    if (code === NO_POLICY) return;
    sink.unread({ resource: `arn:${target.partition}:elasticfilesystem:${target.region}:${target.account}:file-system/${id}`, reason: code });
    return;
  }
  if (policy === undefined || policy === '') return;
  sink.observe({ eventSource: EFS, eventName: 'PutFileSystemPolicy', requestParameters: { fileSystemId: id, policy } });
}
