import { DescribeFileSystemPolicyCommand, EFSClient, paginateDescribeFileSystems } from '@aws-sdk/client-efs';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
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
      for await (const page of paginateDescribeFileSystems({ client }, {})) {
        const ids = (page.FileSystems ?? []).flatMap((fileSystem) => fileSystem.FileSystemId ?? []);
        await mapBounded(ids, target.concurrency, (id) => readPolicy(client, id, target, sink));
        sink.progress('file systems', ids.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One file system's policy, as the call that would set it. */
function readPolicy(client: EFSClient, id: string, target: ReadTarget, sink: StateSink): Promise<void> {
  const arn = `arn:${target.partition}:elasticfilesystem:${target.region}:${target.account}:file-system/${id}`;
  return readResource(
    sink,
    arn,
    async () => {
      const { Policy: policy } = await client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id }));
      if (policy === undefined || policy === '') return undefined;
      return { eventSource: EFS, eventName: 'PutFileSystemPolicy', requestParameters: { fileSystemId: id, policy } };
    },
    { absentWhen: [NO_POLICY] },
  );
}
