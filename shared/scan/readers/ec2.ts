import {
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  type CreateVolumePermission,
  type LaunchPermission,
} from '@aws-sdk/client-ec2';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const EC2 = 'ec2.amazonaws.com';

/** The largest page DescribeSnapshots and DescribeImages return (EC2 API reference). */
const PAGE_SIZE = 1000;

/**
 * Who may use the account's EBS snapshots and AMIs in one region: each snapshot's create-volume
 * permissions as the ModifySnapshotAttribute that would add them (ebs-snapshot-public,
 * ebs-snapshot-shared-outside), each AMI's launch permissions as the ModifyImageAttribute that would
 * add them (ami-public, ami-shared-outside). A private one (no permission) presents nothing.
 *
 * Only the account's own snapshots and images are listed: the lists are paginated, and each item
 * costs one attribute call, so calls grow with the number of snapshots and images.
 */
export const ec2Reader: StateReader = {
  id: 'ec2',
  reach: 'regional',
  ruleIds: ['ebs-snapshot-public', 'ebs-snapshot-shared-outside', 'ami-public', 'ami-shared-outside'],
  permissions: ['ec2:DescribeSnapshots', 'ec2:DescribeSnapshotAttribute', 'ec2:DescribeImages', 'ec2:DescribeImageAttribute'],

  async read(target, sink) {
    const client = new EC2Client(target.clientConfig);
    try {
      await readSnapshots(client, target, sink);
      await readImages(client, target, sink);
    } finally {
      client.destroy();
    }
  },
};

async function readSnapshots(client: EC2Client, target: ReadTarget, sink: StateSink): Promise<void> {
  // Only the account's own snapshots (what OwnerIds "self" means), by the owner-id filter, which moto
  // applies where it ignores OwnerIds: otherwise a thousand public snapshots of other owners come back.
  const pages = paginateDescribeSnapshots({ client, pageSize: PAGE_SIZE }, { Filters: [{ Name: 'owner-id', Values: [target.account] }] });
  for await (const page of pages) {
    const ids = (page.Snapshots ?? []).flatMap((snapshot) => snapshot.SnapshotId ?? []);
    await mapBounded(ids, target.concurrency, (id) =>
      readResource(sink, `arn:${target.partition}:ec2:${target.region}:${target.account}:snapshot/${id}`, async () => {
        const { CreateVolumePermissions: permissions = [] } = await client.send(
          new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }),
        );
        if (permissions.length === 0) return undefined;
        return {
          eventSource: EC2,
          eventName: 'ModifySnapshotAttribute',
          requestParameters: { snapshotId: id, attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { add: { items: permissions.map(asItem) } } },
        };
      }),
    );
    sink.progress('snapshots', ids.length);
  }
}

async function readImages(client: EC2Client, target: ReadTarget, sink: StateSink): Promise<void> {
  for await (const page of paginateDescribeImages({ client, pageSize: PAGE_SIZE }, { Owners: ['self'] })) {
    const ids = (page.Images ?? []).flatMap((image) => image.ImageId ?? []);
    await mapBounded(ids, target.concurrency, (id) =>
      readResource(sink, `arn:${target.partition}:ec2:${target.region}:${target.account}:image/${id}`, async () => {
        const { LaunchPermissions: permissions = [] } = await client.send(new DescribeImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission' }));
        if (permissions.length === 0) return undefined;
        return {
          eventSource: EC2,
          eventName: 'ModifyImageAttribute',
          requestParameters: { imageId: id, attributeType: 'launchPermission', launchPermission: { add: { items: permissions.map(asItem) } } },
        };
      }),
    );
    sink.progress('images', ids.length);
  }
}

/** A permission as CloudTrail logs the request's items: `{ group: "all" }`, `{ userId }`, or an organization (unit) ARN. */
function asItem(permission: CreateVolumePermission | LaunchPermission): Record<string, string> {
  const item: Record<string, string> = {};
  if (permission.Group !== undefined) item['group'] = permission.Group;
  if (permission.UserId !== undefined) item['userId'] = permission.UserId;
  if ('OrganizationArn' in permission && permission.OrganizationArn !== undefined) item['organizationArn'] = permission.OrganizationArn;
  if ('OrganizationalUnitArn' in permission && permission.OrganizationalUnitArn !== undefined) item['organizationalUnitArn'] = permission.OrganizationalUnitArn;
  return item;
}
