import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const BUCKET = 'acme-payroll';
const ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${EXAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

// S3 bucket-level calls: CloudTrail records the bucket, the host and an empty "encryption" subresource marker.
const s3 = (eventName: string, requestParameters: Record<string, unknown> = {}) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userIdentity: exampleIdentities.assumedRole,
    userAgent: '[aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9 command/s3api]',
    requestParameters: { bucketName: BUCKET, Host: `${BUCKET}.s3.eu-west-1.amazonaws.com`, ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader' },
  });

const putKmsDefault = () =>
  s3('PutBucketEncryption', {
    encryption: [''],
    ServerSideEncryptionConfiguration: {
      xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
      Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true },
    },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'default encryption deleted',
      record: s3('DeleteBucketEncryption', { encryption: '' }),
      expect: { severity: 'medium', resource: ARN },
    },
    {
      name: 'default encryption deleted, subresource marker recorded as a list',
      record: s3('DeleteBucketEncryption', { encryption: [''] }),
      expect: { severity: 'medium', resource: ARN },
    },
  ],
  negative: [
    { name: 'default encryption set to a KMS key', record: putKmsDefault() },
    { name: 'a request without a bucket name', record: exampleEvent('s3.amazonaws.com', 'DeleteBucketEncryption', { requestParameters: { encryption: '' } }) },
  ],
  resolving: [
    { name: 'default encryption set again', record: putKmsDefault(), removes: [{ resource: ARN }] },
    { name: 'bucket deleted', record: s3('DeleteBucket'), removes: [{ resource: ARN }] },
  ],
};
