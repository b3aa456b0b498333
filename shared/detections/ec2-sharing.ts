import { accountOf, asList, field, isObject, regionOf, stringField, type CloudTrailRecord } from '../cloudtrail/record.js';
import { partitionOf } from '../cloudtrail/arn.js';
import type { SharedResource } from './account-sharing.js';

/**
 * Reading who an EC2 sharing call adds or removes: ModifySnapshotAttribute's
 * `createVolumePermission` and ModifyImageAttribute's `launchPermission`, each with `add` and
 * `remove` lists of items holding a `userId` (an account) or `group: "all"` (everyone)
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html).
 */
export type PermissionAttribute = 'createVolumePermission' | 'launchPermission';

/** The items of one operation: `{items: [...]}` as CloudTrail writes it, `{items: {...}}`, or a bare list. */
export function permissionItems(record: CloudTrailRecord, attribute: PermissionAttribute, operation: 'add' | 'remove'): unknown[] {
  const list = field(record, 'requestParameters', attribute, operation);
  return asList(isObject(list) && 'items' in list ? list['items'] : list);
}

export function userIdsIn(items: readonly unknown[]): string[] {
  return items.flatMap((item) => stringField(item, 'userId') ?? []);
}

export function includesGroupAll(items: readonly unknown[]): boolean {
  return items.some((item) => stringField(item, 'group') === 'all');
}

/** The AMI a request names, with the same ARN shape ebs-snapshot-public gives snapshots (account included). */
export function imageOf(record: CloudTrailRecord): (SharedResource & { readonly id: string }) | undefined {
  const id = stringField(record, 'requestParameters', 'imageId');
  if (id === undefined || id === '') return undefined;
  return { id, arn: `arn:${partitionOf(record)}:ec2:${regionOf(record)}:${accountOf(record)}:image/${id}`, label: `AMI ${id}` };
}
