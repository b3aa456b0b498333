import { partitionOf } from './arn.js';
import { stringField, type CloudTrailRecord } from './record.js';

export interface Bucket {
  readonly name: string;
  /** arn:<partition>:s3:::<bucket>: bucket ARNs carry neither region nor account. */
  readonly arn: string;
}

/** The bucket a bucket-level S3 event names (`requestParameters.bucketName`), or undefined when it names none. */
export function bucketOf(record: CloudTrailRecord): Bucket | undefined {
  const name = stringField(record, 'requestParameters', 'bucketName');
  return name === undefined || name === '' ? undefined : { name, arn: `arn:${partitionOf(record)}:s3:::${name}` };
}
