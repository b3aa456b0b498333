import { actorOf, asList, field, objectField, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { bucketOf } from '../../cloudtrail/s3-bucket.js';
import type { Detection } from '../detection.js';

/** An expiration this close (in days, or a date this close to the event) deletes data before anyone notices. */
const QUICK_EXPIRY_DAYS = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One enabled lifecycle rule that expires objects within a day, as evidence. */
interface QuickExpiry {
  readonly rule: string;
  readonly prefix?: string;
  readonly expirationDays?: number;
  readonly expirationDate?: string;
  readonly noncurrentVersionExpirationDays?: number;
}

/** Lifecycle days arrive as numbers or, from the XML body, as strings. */
function daysOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A date-based expiration on or within a day of the event: every object under the rule goes at once. */
function dateIsNear(date: string | undefined, record: CloudTrailRecord): boolean {
  if (date === undefined) return false;
  const expires = Date.parse(date);
  const now = Date.parse(record.eventTime);
  return Number.isFinite(expires) && Number.isFinite(now) && expires - now <= QUICK_EXPIRY_DAYS * DAY_MS;
}

function quickExpiryOf(rule: unknown, index: number, record: CloudTrailRecord): QuickExpiry | undefined {
  if (stringField(rule, 'Status')?.trim().toLowerCase() !== 'enabled') return undefined;
  const expirationDays = daysOf(field(rule, 'Expiration', 'Days'));
  const expirationDate = stringField(rule, 'Expiration', 'Date');
  const noncurrentDays = daysOf(field(rule, 'NoncurrentVersionExpiration', 'NoncurrentDays'));
  const quickDays = expirationDays !== undefined && expirationDays <= QUICK_EXPIRY_DAYS;
  const quickDate = dateIsNear(expirationDate, record);
  const quickNoncurrent = noncurrentDays !== undefined && noncurrentDays <= QUICK_EXPIRY_DAYS;
  if (!quickDays && !quickDate && !quickNoncurrent) return undefined;
  // The prefix tells how much of the bucket the rule covers (a filter, or the older rule-level Prefix).
  const prefix = stringField(rule, 'Filter', 'Prefix') ?? stringField(rule, 'Filter', 'And', 'Prefix') ?? stringField(rule, 'Prefix');
  return {
    rule: stringField(rule, 'ID') ?? `rule ${index}`,
    ...(prefix === undefined ? {} : { prefix }),
    ...(quickDays ? { expirationDays } : {}),
    ...(quickDate ? { expirationDate } : {}),
    ...(quickNoncurrent ? { noncurrentVersionExpirationDays: noncurrentDays } : {}),
  };
}

/**
 * The enabled rules of a PutBucketLifecycle that expire objects within a day; undefined when the
 * request carries no LifecycleConfiguration to read. `Rule` is one object or a list.
 */
function quickExpiries(record: CloudTrailRecord): QuickExpiry[] | undefined {
  const configuration = objectField(record, 'requestParameters', 'LifecycleConfiguration');
  if (configuration === undefined) return undefined;
  return asList(configuration['Rule']).flatMap((rule, index) => quickExpiryOf(rule, index, record) ?? []);
}

export const s3BucketLifecycleQuickExpiry: Detection = {
  id: 's3-bucket-lifecycle-quick-expiry',
  title: 'S3 lifecycle rule deletes objects within a day',
  severity: 'high',
  description:
    'A lifecycle configuration was put on a bucket with an enabled rule that expires objects within a day: Expiration after 1 day ' +
    '(or on a date at most a day after the change), or NoncurrentVersionExpiration after 1 day. Expiration counts from each ' +
    "object's creation, so every object older than that goes at S3's next lifecycle run: the quiet delete. S3 removes them " +
    'itself, without any DeleteObject event, which is how attackers wipe data or CloudTrail logs (Stratus Red Team ' +
    'aws.defense-evasion.cloudtrail-lifecycle-rule). With versioning enabled, current-version expiration only adds delete ' +
    'markers, but noncurrent-version expiration deletes for good. The rule also fires for a legitimate one-day clean-up of a scratch ' +
    'prefix (the prefix is in the details): suppress it for that bucket. CloudTrail records both PutBucketLifecycle and ' +
    'PutBucketLifecycleConfiguration calls as PutBucketLifecycle.',
  remediation:
    'Read the configuration: `aws s3api get-bucket-lifecycle-configuration --bucket BUCKET`. If the rule is not wanted, remove it ' +
    'at once (`aws s3api delete-bucket-lifecycle --bucket BUCKET`, or put the configuration back without it): S3 queues expired ' +
    'objects for removal asynchronously, so acting within hours can save data. Turn versioning on so that an expiration leaves ' +
    'the data recoverable, and deny s3:PutLifecycleConfiguration to all but the roles that manage storage.',
  references: {
    mitreAttack: ['T1485', 'T1070'],
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html',
      'https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-lifecycle-rule/',
    ],
  },
  scoped: false,
  events: [{ eventSource: 's3.amazonaws.com', eventNames: ['PutBucketLifecycle', 'DeleteBucketLifecycle', 'DeleteBucket'] }],

  evaluate(record) {
    if (record.eventName !== 'PutBucketLifecycle') return undefined;
    const rules = quickExpiries(record);
    if (rules === undefined || rules.length === 0) return undefined;
    const bucket = bucketOf(record);
    if (bucket === undefined) return undefined;
    return {
      severity: 'high',
      resource: bucket.arn,
      summary:
        `${actorOf(record).arn} put a lifecycle rule on bucket ${bucket.name} (${rules.map((rule) => rule.rule).join(', ')}) that expires ` +
        'objects within a day: S3 will delete them without any DeleteObject event.',
      details: { bucket: bucket.name, rules },
    };
  },

  resolves(record) {
    const bucket = bucketOf(record);
    if (bucket === undefined) return [];
    if (record.eventName === 'DeleteBucketLifecycle') return [{ resource: bucket.arn, reason: 'lifecycle configuration deleted' }];
    if (record.eventName === 'DeleteBucket') return [{ resource: bucket.arn, reason: 'bucket deleted' }];
    // Only a configuration we can read counts: an unrecognised request shape must not close a finding.
    if (record.eventName === 'PutBucketLifecycle' && quickExpiries(record)?.length === 0) {
      return [{ resource: bucket.arn, reason: 'lifecycle configuration replaced by one without a quick expiry' }];
    }
    return [];
  },
};
