import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const BUCKET = 'acme-trail-logs';
const ARN = `arn:aws:s3:::${BUCKET}`;

// PutBucketLifecycleConfiguration is recorded as PutBucketLifecycle, the XML body's Rule as one object
// (Stratus Red Team's detonation log) or a list; numbers may arrive as strings.
const s3 = (eventName: string, requestParameters: Record<string, unknown> = {}) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userIdentity: exampleIdentities.assumedRole,
    userAgent: '[aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9 command/s3api]',
    requestParameters: { bucketName: BUCKET, Host: `${BUCKET}.s3.eu-west-1.amazonaws.com`, ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 249 },
    resources: [{ ARN, accountId: EXAMPLE_ACCOUNT, type: 'AWS::S3::Bucket' }],
  });

const putLifecycle = (rule: unknown) =>
  s3('PutBucketLifecycle', { lifecycle: '', LifecycleConfiguration: { Rule: rule, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } });

const archiveAfterAQuarter = {
  ID: 'archive',
  Status: 'Enabled',
  Filter: { Prefix: '' },
  Transition: { Days: 90, StorageClass: 'GLACIER' },
  Expiration: { Days: 400 },
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'every object expires after one day (Stratus Red Team cloudtrail-lifecycle-rule)',
      record: putLifecycle({ Expiration: { Days: 1 }, Filter: { Prefix: '*' }, ID: 'nuke-cloudtrail-logs-after-1-day', Status: 'Enabled' }),
      expect: { severity: 'high', resource: ARN },
    },
    {
      name: 'a quick rule among harmless ones, days recorded as a string',
      record: putLifecycle([archiveAfterAQuarter, { ID: 'wipe', Status: 'Enabled', Filter: {}, Expiration: { Days: '1' } }]),
      expect: { severity: 'high', resource: ARN },
    },
    {
      name: 'noncurrent versions deleted after one day',
      record: putLifecycle({ ID: 'drop-history', Status: 'Enabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
      expect: { severity: 'high' },
    },
    {
      name: 'expiration on a date already past (older PutBucketLifecycle rule with a Prefix)',
      record: putLifecycle({ ID: 'expire-now', Prefix: '', Status: 'Enabled', Expiration: { Date: '2026-11-01T00:00:00.000Z' } }),
      expect: { severity: 'high' },
    },
  ],
  negative: [
    { name: 'archive after a quarter, expire after 400 days', record: putLifecycle(archiveAfterAQuarter) },
    {
      name: 'a one-day rule that is disabled',
      record: putLifecycle({ Expiration: { Days: 1 }, Filter: { Prefix: '*' }, ID: 'nuke-cloudtrail-logs-after-1-day', Status: 'Disabled' }),
    },
    {
      name: 'only incomplete multipart uploads and expired delete markers cleaned up',
      record: putLifecycle({
        ID: 'tidy',
        Status: 'Enabled',
        Filter: {},
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Expiration: { ExpiredObjectDeleteMarker: true },
      }),
    },
    {
      name: 'expiration on a date a month after the change',
      record: putLifecycle({ ID: 'end-of-project', Status: 'Enabled', Filter: { Prefix: 'project-x/' }, Expiration: { Date: '2026-12-20T00:00:00.000Z' } }),
    },
  ],
  resolving: [
    { name: 'lifecycle configuration deleted', record: s3('DeleteBucketLifecycle', { lifecycle: '' }), removes: [{ resource: ARN }] },
    { name: 'lifecycle replaced by one without a quick expiry', record: putLifecycle([archiveAfterAQuarter]), removes: [{ resource: ARN }] },
    { name: 'bucket deleted', record: s3('DeleteBucket'), removes: [{ resource: ARN }] },
  ],
};
