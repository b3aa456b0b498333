import { actorOf, field, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { bucketOf } from '../../cloudtrail/s3-bucket.js';
import { PUBLIC_ACCESS_BLOCK_SETTINGS, readPublicAccessBlock } from '../../policy/public-access.js';
import type { Detection } from '../detection.js';

const SCOPE = 'public-access-block';

function settingsOff(record: CloudTrailRecord): string[] {
  const settings = readPublicAccessBlock(field(record, 'requestParameters', 'PublicAccessBlockConfiguration'));
  return PUBLIC_ACCESS_BLOCK_SETTINGS.filter((setting) => !settings[setting]);
}

export const s3BlockPublicAccessRemoved: Detection = {
  id: 's3-block-public-access-removed',
  title: 'S3 Block Public Access weakened on a bucket',
  severity: 'medium',
  description:
    "A bucket's Block Public Access configuration was deleted, or replaced by one with a setting turned off. The bucket is not " +
    'public yet, but the guard rail that would stop a public policy or ACL (or neutralise one already there) is gone for it; the ' +
    'account-level setting, if on, still applies.',
  remediation:
    'Unless the bucket must serve the public, turn all four settings back on: `aws s3api put-public-access-block --bucket BUCKET ' +
    '--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`, ' +
    'and consider the account-wide guard: `aws s3control put-public-access-block --account-id ACCOUNT ' +
    '--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.',
  references: {
    cis: ['2.1.4'],
    securityHub: ['S3.8'],
    mitreAttack: ['T1562', 'T1530'],
    links: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
  },
  scoped: true,
  events: [{ eventSource: 's3.amazonaws.com', eventNames: ['DeleteBucketPublicAccessBlock', 'PutBucketPublicAccessBlock', 'DeleteBucket'] }],

  evaluate(record) {
    const bucket = bucketOf(record);
    if (bucket === undefined) return undefined;
    const actor = actorOf(record).arn;
    if (record.eventName === 'DeleteBucketPublicAccessBlock') {
      return {
        severity: 'medium',
        resource: bucket.arn,
        scope: SCOPE,
        summary: `${actor} deleted the Block Public Access configuration of bucket ${bucket.name}, so only the account-level setting now stops it being made public.`,
        details: { bucket: bucket.name, settingsOff: [...PUBLIC_ACCESS_BLOCK_SETTINGS] },
      };
    }
    if (record.eventName !== 'PutBucketPublicAccessBlock') return undefined;
    const off = settingsOff(record);
    if (off.length === 0) return undefined;
    return {
      severity: 'medium',
      resource: bucket.arn,
      scope: SCOPE,
      summary: `${actor} turned off Block Public Access ${off.join(', ')} on bucket ${bucket.name}.`,
      details: { bucket: bucket.name, settingsOff: off },
    };
  },

  resolves(record) {
    const bucket = bucketOf(record);
    if (bucket === undefined) return [];
    if (record.eventName === 'DeleteBucket') return [{ resource: bucket.arn, scope: SCOPE, reason: 'bucket deleted' }];
    if (record.eventName === 'PutBucketPublicAccessBlock' && settingsOff(record).length === 0) {
      return [{ resource: bucket.arn, scope: SCOPE, reason: 'all four Block Public Access settings turned back on' }];
    }
    return [];
  },
};
