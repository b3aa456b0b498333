import { accountOf, actorOf, objectField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import { PUBLIC_ACCESS_BLOCK_SETTINGS, readPublicAccessBlock, type PublicAccessBlockSetting } from '../../policy/public-access.js';
import type { Detection } from '../detection.js';

/**
 * The account's Block Public Access configuration has no ARN: it is named like an account-wide S3
 * resource (no region, as the setting applies in every region), so every Put and Delete of the same
 * account addresses the same finding.
 */
function settingOf(record: CloudTrailRecord): { account: string; id: string } {
  const account = accountOf(record);
  return { account, id: `arn:${partitionOf(record)}:s3::${account}:account-public-access-block` };
}

/**
 * The settings a PutAccountPublicAccessBlock leaves off (an omitted setting is off, as S3 reads it);
 * undefined when the request carries no configuration to read.
 */
function settingsOff(record: CloudTrailRecord): PublicAccessBlockSetting[] | undefined {
  const configuration = objectField(record, 'requestParameters', 'PublicAccessBlockConfiguration');
  if (configuration === undefined) return undefined;
  const settings = readPublicAccessBlock(configuration);
  return PUBLIC_ACCESS_BLOCK_SETTINGS.filter((setting) => !settings[setting]);
}

export const s3AccountBlockPublicAccessRemoved: Detection = {
  id: 's3-account-block-public-access-removed',
  title: 'S3 Block Public Access weakened for the whole account',
  severity: 'high',
  description:
    'The account-level S3 Block Public Access configuration was deleted, or replaced by one with a setting turned off. It is the guard ' +
    'that overrides every bucket in the account, in every region: with it gone, a bucket whose own settings are off can be made ' +
    'public, and public ACLs or policies already on such buckets take effect at once when IgnorePublicAcls or RestrictPublicBuckets ' +
    'is turned off. High rather than critical because the change exposes no data by itself (that takes a bucket that is or ' +
    'becomes public, which s3-bucket-public reports), but it removes the guard for every bucket at once, where ' +
    's3-block-public-access-removed concerns one. CloudTrail records these S3 Control calls with eventSource s3.amazonaws.com. ' +
    'The setting has no ARN; findings name it arn:<partition>:s3::<account>:account-public-access-block. Not seen: a change made ' +
    'through an AWS Organizations S3 policy, which overrides the account setting.',
  remediation:
    'Turn all four settings back on unless the account must host public buckets: `aws s3control put-public-access-block ' +
    '--account-id ACCOUNT --public-access-block-configuration ' +
    'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`. Then look for buckets made ' +
    "public in the meantime: `aws s3api get-bucket-policy-status --bucket BUCKET` per bucket, or IAM Access Analyzer's findings " +
    'for S3. Consider a service control policy denying s3:PutAccountPublicAccessBlock to everyone but a break-glass role.',
  references: {
    cis: ['2.1.4'],
    securityHub: ['S3.1'],
    mitreAttack: ['T1562', 'T1530'],
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 's3.amazonaws.com', eventNames: ['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock'] }],

  evaluate(record) {
    const setting = settingOf(record);
    const actor = actorOf(record).arn;
    if (record.eventName === 'DeleteAccountPublicAccessBlock') {
      return {
        severity: 'high',
        resource: setting.id,
        summary: `${actor} deleted the account-level S3 Block Public Access configuration of account ${setting.account}, so each bucket's own settings are now all that stop it being made public.`,
        details: { account: setting.account, settingsOff: [...PUBLIC_ACCESS_BLOCK_SETTINGS] },
      };
    }
    if (record.eventName !== 'PutAccountPublicAccessBlock') return undefined;
    const off = settingsOff(record);
    if (off === undefined) {
      // A Put always carries the configuration; one we cannot read may have turned anything off.
      return {
        severity: 'high',
        resource: setting.id,
        summary: `${actor} replaced the account-level S3 Block Public Access configuration of account ${setting.account} with one iam-warden could not read: check which settings are still on.`,
        details: { account: setting.account, configurationUnreadable: true },
      };
    }
    if (off.length === 0) return undefined;
    return {
      severity: 'high',
      resource: setting.id,
      summary: `${actor} turned off account-level S3 Block Public Access ${off.join(', ')} for every bucket of account ${setting.account}.`,
      details: { account: setting.account, settingsOff: off },
    };
  },

  resolves(record) {
    if (record.eventName !== 'PutAccountPublicAccessBlock' || settingsOff(record)?.length !== 0) return [];
    return [{ resource: settingOf(record).id, reason: 'all four account-level Block Public Access settings turned back on' }];
  },
};
