import { actorOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { trailOf } from '../../cloudtrail/trail.js';
import type { Detection, Severity } from '../detection.js';

const MULTI_REGION = 'multi-region';
const GLOBAL_SERVICE_EVENTS = 'global-service-events';
const LOG_BUCKET = 'log-bucket';
const LOG_FILE_VALIDATION = 'log-file-validation';

/** A weakening an UpdateTrail request can carry, most severe first: the finding takes the first one present. */
interface Weakening {
  readonly scope: string;
  readonly severity: Severity;
  readonly what: string;
}

/**
 * What the request turned off, read from the parameters it set (an UpdateTrail request carries
 * only the settings it changes: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html).
 * A parameter restating a setting that was already so is reported too: the event does not tell.
 */
function weakeningsOf(record: CloudTrailRecord): Weakening[] {
  const set = (name: string) => field(record, 'requestParameters', name);
  const bucket = stringField(record, 'requestParameters', 's3BucketName');
  const weakenings: Weakening[] = [];
  if (set('isMultiRegionTrail') === false)
    weakenings.push({ scope: MULTI_REGION, severity: 'high', what: `it now records only its home region (${regionOf(record)})` });
  if (set('includeGlobalServiceEvents') === false) {
    weakenings.push({ scope: GLOBAL_SERVICE_EVENTS, severity: 'high', what: 'it no longer records global service events such as IAM, STS and sign-in' });
  }
  if (bucket !== undefined && bucket !== '')
    weakenings.push({ scope: LOG_BUCKET, severity: 'medium', what: `its log files go to bucket ${bucket} (confirm that bucket is yours)` });
  if (set('enableLogFileValidation') === false)
    weakenings.push({ scope: LOG_FILE_VALIDATION, severity: 'medium', what: 'log file validation is off, so edited or deleted log files go unnoticed' });
  return weakenings;
}

/** The settings whose turning back on resolves their finding (a bucket move has no "back on"). */
const RESTORED_BY = [
  { parameter: 'isMultiRegionTrail', scope: MULTI_REGION, reason: 'trail records every region again' },
  { parameter: 'includeGlobalServiceEvents', scope: GLOBAL_SERVICE_EVENTS, reason: 'trail records global service events again' },
  { parameter: 'enableLogFileValidation', scope: LOG_FILE_VALIDATION, reason: 'log file validation turned back on' },
] as const;

export const cloudtrailTrailWeakened: Detection = {
  id: 'cloudtrail-trail-weakened',
  title: 'CloudTrail trail weakened',
  severity: 'high',
  description:
    'A trail was changed so that it records less or can be tampered with unnoticed: made single-region (activity in every other ' +
    'region goes unrecorded: high), made to skip global service events such as IAM and STS (high), its log file validation turned ' +
    'off (medium), or its log files sent to another S3 bucket. The event names the bucket but not its owner nor the bucket it ' +
    'replaced, so that case is medium and worded as something to confirm: a bucket in another account would hand the logs to its ' +
    'owner. Each setting is a finding of its own, resolved when an UpdateTrail turns it back on (a bucket change is closed by a ' +
    'person once the bucket is confirmed); when one call changes several, the finding takes the most severe and its summary names ' +
    'them all. Deleting the trail closes these findings (cloudtrail-logging-stopped reports the deletion, as it does stopped ' +
    'logging and event selectors that drop management events). ' +
    'Not caught here: CloudWatch Logs delivery or KMS encryption removed from the trail, or the bucket policy changed.',
  remediation:
    'Restore the setting: `aws cloudtrail update-trail --name TRAIL --is-multi-region-trail --include-global-service-events ' +
    '--enable-log-file-validation`. If the bucket changed, check that your account owns it (`aws s3api head-bucket --bucket BUCKET ' +
    '--expected-bucket-owner ACCOUNT` fails otherwise) or point the trail back: `aws cloudtrail update-trail --name TRAIL --s3-bucket-name ' +
    'YOUR_BUCKET`. Validate the log files delivered meanwhile: `aws cloudtrail validate-logs --trail-arn TRAIL_ARN --start-time TIME`. ' +
    'An organisation trail cannot be changed from member accounts.',
  references: {
    cis: ['3.1', '3.2'],
    securityHub: ['CloudTrail.1', 'CloudTrail.4'],
    mitreAttack: ['T1562.008'],
    links: [
      'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html',
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events',
    ],
  },
  scoped: true,
  events: [{ eventSource: 'cloudtrail.amazonaws.com', eventNames: ['UpdateTrail', 'DeleteTrail'] }],

  evaluate(record) {
    if (record.eventName !== 'UpdateTrail') return undefined;
    const trail = trailOf(record);
    const weakenings = weakeningsOf(record);
    const [worst] = weakenings;
    if (trail === undefined || worst === undefined) return undefined;
    return {
      severity: worst.severity,
      resource: trail.arn,
      scope: worst.scope,
      summary: `${actorOf(record).arn} changed trail ${trail.name}: ${weakenings.map((weakening) => weakening.what).join('; ')}.`,
      details: {
        trail: trail.name,
        settings: weakenings.map((weakening) => weakening.scope),
        s3BucketName: stringField(record, 'requestParameters', 's3BucketName'),
        s3KeyPrefix: stringField(record, 'requestParameters', 's3KeyPrefix'),
      },
    };
  },

  resolves(record) {
    const trail = trailOf(record);
    if (trail === undefined) return [];
    if (record.eventName === 'DeleteTrail') return [{ resource: trail.arn, reason: 'trail deleted' }];
    if (record.eventName !== 'UpdateTrail') return [];
    return RESTORED_BY.filter(({ parameter }) => field(record, 'requestParameters', parameter) === true).map(({ scope, reason }) => ({
      resource: trail.arn,
      scope,
      reason,
    }));
  },
};
