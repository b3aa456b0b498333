import { actorOf } from '../../cloudtrail/record.js';
import { bucketOf } from '../../cloudtrail/s3-bucket.js';
import type { Detection } from '../detection.js';

export const s3BucketEncryptionDeleted: Detection = {
  id: 's3-bucket-encryption-deleted',
  title: 'S3 bucket default encryption deleted',
  severity: 'medium',
  description:
    "A bucket's default encryption configuration was deleted. Since 5 January 2023 S3 encrypts every new object with S3 managed " +
    'keys (SSE-S3) anyway, so data is not left in the clear: what is lost is the key the owner chose. New objects no longer use ' +
    'that KMS key, so its key policy no longer gates who can read them, its use is no longer logged in CloudTrail, and disabling ' +
    'the key no longer locks them. Medium because the event does not say what was deleted: if the bucket only had SSE-S3, nothing ' +
    'changed in practice and the finding can be closed. Not caught: a PutBucketEncryption that replaces a KMS key with SSE-S3 ' +
    'or another key.',
  remediation:
    'Put the chosen default back: `aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration ' +
    '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY_ARN"},"BucketKeyEnabled":true}]}\'`. ' +
    'Objects written meanwhile stay under SSE-S3: find them with S3 Inventory (encryption status field) and re-encrypt them by ' +
    'copying them in place with `--sse aws:kms --sse-kms-key-id KEY_ARN`. A bucket policy denying s3:PutObject without that key ' +
    'makes the choice stick.',
  references: {
    securityHub: ['S3.17'],
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 's3.amazonaws.com', eventNames: ['DeleteBucketEncryption', 'PutBucketEncryption', 'DeleteBucket'] }],

  evaluate(record) {
    if (record.eventName !== 'DeleteBucketEncryption') return undefined;
    const bucket = bucketOf(record);
    if (bucket === undefined) return undefined;
    return {
      severity: 'medium',
      resource: bucket.arn,
      summary: `${actorOf(record).arn} deleted the default encryption of bucket ${bucket.name}: new objects fall back to S3 managed keys instead of the key chosen for it.`,
      details: { bucket: bucket.name },
    };
  },

  resolves(record) {
    const bucket = bucketOf(record);
    if (bucket === undefined) return [];
    if (record.eventName === 'PutBucketEncryption') return [{ resource: bucket.arn, reason: 'default encryption configured again' }];
    if (record.eventName === 'DeleteBucket') return [{ resource: bucket.arn, reason: 'bucket deleted' }];
    return [];
  },
};
