import type { DetectionExamples } from '../detection.js';
import { exampleEvent } from '../example-events.js';

const BUCKET = 'acme-invoices';
const ARN = `arn:aws:s3:::${BUCKET}`;

const s3 = (eventName: string, requestParameters: Record<string, unknown>) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userAgent: '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750]',
    requestParameters: { bucketName: BUCKET, Host: `${BUCKET}.s3.eu-west-1.amazonaws.com`, publicAccessBlock: [''], ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader' },
  });

const put = (settings: Record<string, unknown>) =>
  s3('PutBucketPublicAccessBlock', { PublicAccessBlockConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', ...settings } });

const allOn = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'bucket Block Public Access configuration deleted',
      record: s3('DeleteBucketPublicAccessBlock', {}),
      expect: { severity: 'medium', resource: ARN, scope: 'public-access-block' },
    },
    {
      name: 'every setting turned off (console "Block all public access" unticked)',
      record: put({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false }),
      expect: { severity: 'medium', resource: ARN, scope: 'public-access-block' },
    },
    {
      name: 'only RestrictPublicBuckets turned off',
      record: put({ ...allOn, RestrictPublicBuckets: false }),
      expect: { severity: 'medium' },
    },
    {
      name: 'a setting left out of the configuration (S3 treats it as off)',
      record: put({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true }),
      expect: { severity: 'medium' },
    },
  ],
  negative: [
    { name: 'all four settings on', record: put(allOn) },
    {
      name: 'all four settings on, recorded as strings',
      record: put({ BlockPublicAcls: 'true', IgnorePublicAcls: 'true', BlockPublicPolicy: 'true', RestrictPublicBuckets: 'true' }),
    },
    { name: 'bucket deleted', record: s3('DeleteBucket', {}) },
  ],
  resolving: [
    { name: 'all four settings turned back on', record: put(allOn), removes: [{ resource: ARN, scope: 'public-access-block' }] },
    { name: 'bucket deleted', record: s3('DeleteBucket', {}), removes: [{ resource: ARN, scope: 'public-access-block' }] },
  ],
};
