import type { DetectionExamples } from '../detection.js';
import { exampleEvent } from '../example-events.js';

const BUCKET = 'acme-customer-exports';
const ARN = `arn:aws:s3:::${BUCKET}`;
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// The console turns logging off with an empty BucketLoggingStatus; CloudTrail keeps only its xmlns.
const s3 = (eventName: string, requestParameters: Record<string, unknown> = {}) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userAgent: '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750]',
    requestParameters: { bucketName: BUCKET, Host: `${BUCKET}.s3.eu-west-1.amazonaws.com`, ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 108 },
  });

const putLogging = (status: Record<string, unknown>) => s3('PutBucketLogging', { logging: '', BucketLoggingStatus: { xmlns: XMLNS, ...status } });

const loggingOn = { LoggingEnabled: { TargetBucket: 'acme-access-logs', TargetPrefix: `${BUCKET}/` } };

export const examples: DetectionExamples = {
  positive: [
    { name: 'logging turned off (empty BucketLoggingStatus)', record: putLogging({}), expect: { severity: 'medium', resource: ARN } },
    {
      name: 'logging turned off, subresource marker recorded as a list',
      record: s3('PutBucketLogging', { logging: [''], BucketLoggingStatus: {} }),
      expect: { severity: 'medium', resource: ARN },
    },
  ],
  negative: [
    { name: 'logging turned on to a log bucket', record: putLogging(loggingOn) },
    { name: 'a request without a BucketLoggingStatus (nothing to judge)', record: s3('PutBucketLogging', { logging: '' }) },
  ],
  resolving: [
    { name: 'logging turned on again', record: putLogging(loggingOn), removes: [{ resource: ARN }] },
    { name: 'bucket deleted', record: s3('DeleteBucket'), removes: [{ resource: ARN }] },
  ],
};
