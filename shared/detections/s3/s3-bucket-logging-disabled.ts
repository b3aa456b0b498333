import { actorOf, objectField, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { bucketOf } from '../../cloudtrail/s3-bucket.js';
import type { Detection } from '../detection.js';

/**
 * What a PutBucketLogging request leaves: server access logging on (BucketLoggingStatus holds
 * LoggingEnabled), off (a BucketLoggingStatus without it, S3's way of turning logging off), or
 * unknown when the request carries no BucketLoggingStatus to read.
 */
function loggingState(record: CloudTrailRecord): 'on' | 'off' | undefined {
  const status = objectField(record, 'requestParameters', 'BucketLoggingStatus');
  if (status === undefined) return undefined;
  return objectField(status, 'LoggingEnabled') === undefined ? 'off' : 'on';
}

export const s3BucketLoggingDisabled: Detection = {
  id: 's3-bucket-logging-disabled',
  title: 'S3 server access logging turned off',
  severity: 'medium',
  description:
    "A bucket's server access logging was turned off (PutBucketLogging with an empty BucketLoggingStatus). Access logs record " +
    'every request to the objects, reads included; without CloudTrail data events for the bucket they are the only record of who ' +
    'read or deleted data, so turning them off is a way to work unseen. The event does not say whether logging was on before: ' +
    'a bucket that never logged raises too. Not seen: the log target bucket deleted or its policy changed so delivery fails.',
  remediation:
    'Turn logging back on to a dedicated log bucket: `aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status ' +
    '\'{"LoggingEnabled":{"TargetBucket":"LOG_BUCKET","TargetPrefix":"BUCKET/"}}\'`, and ask who turned it off and why. For ' +
    'buckets that hold sensitive data, CloudTrail data events give a record the bucket owner cannot switch off from S3.',
  references: {
    securityHub: ['S3.9'],
    mitreAttack: ['T1562.008'],
    links: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html'],
  },
  scoped: false,
  events: [{ eventSource: 's3.amazonaws.com', eventNames: ['PutBucketLogging', 'DeleteBucket'] }],

  evaluate(record) {
    if (record.eventName !== 'PutBucketLogging' || loggingState(record) !== 'off') return undefined;
    const bucket = bucketOf(record);
    if (bucket === undefined) return undefined;
    return {
      severity: 'medium',
      resource: bucket.arn,
      summary: `${actorOf(record).arn} turned off server access logging on bucket ${bucket.name}: requests to its objects are no longer logged.`,
      details: { bucket: bucket.name },
    };
  },

  resolves(record) {
    const bucket = bucketOf(record);
    if (bucket === undefined) return [];
    if (record.eventName === 'DeleteBucket') return [{ resource: bucket.arn, reason: 'bucket deleted' }];
    if (record.eventName === 'PutBucketLogging' && loggingState(record) === 'on') {
      const target = stringField(record, 'requestParameters', 'BucketLoggingStatus', 'LoggingEnabled', 'TargetBucket');
      return [
        {
          resource: bucket.arn,
          reason: target === undefined ? 'server access logging turned on again' : `server access logging turned on again, to ${target}`,
        },
      ];
    }
    return [];
  },
};
