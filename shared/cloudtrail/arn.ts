import { stringField, type CloudTrailRecord } from './record.js';

/** The partition (aws, aws-cn, aws-us-gov) of the caller, so built ARNs are right outside the commercial partition. */
export function partitionOf(record: CloudTrailRecord): string {
  const arn = stringField(record, 'userIdentity', 'arn');
  const partition = arn?.split(':')[1];
  return partition?.startsWith('aws') ? partition : 'aws';
}

export function iamUserArn(record: CloudTrailRecord, account: string, userName: string): string {
  return `arn:${partitionOf(record)}:iam::${account}:user/${userName}`;
}

export function rootArn(record: CloudTrailRecord, account: string): string {
  return `arn:${partitionOf(record)}:iam::${account}:root`;
}
