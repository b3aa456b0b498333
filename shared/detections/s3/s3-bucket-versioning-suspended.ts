import { actorOf, isRootCaller, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { bucketOf } from '../../cloudtrail/s3-bucket.js';
import type { Detection, RiskRemoval } from '../detection.js';

const VERSIONING = 'versioning';
const MFA_DELETE = 'mfa-delete';

/**
 * PutBucketVersioning's VersioningConfiguration as CloudTrail records the request body: `Status`
 * (Enabled | Suspended) and `MfaDelete` (Enabled | Disabled), either possibly absent. The SDKs'
 * spelling `MFADelete` is read too.
 */
function versioningOf(record: CloudTrailRecord): { status: string | undefined; mfaDelete: string | undefined } {
  const read = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = stringField(record, 'requestParameters', 'VersioningConfiguration', name);
      if (value !== undefined) return value.trim().toLowerCase();
    }
    return undefined;
  };
  return { status: read('Status'), mfaDelete: read('MfaDelete', 'MFADelete') };
}

/**
 * Whether the request turned MFA delete off. Once MFA delete is on, only the root user (with its MFA
 * code) can change the versioning configuration (Amazon S3 User Guide, "Deleting an object from an
 * MFA delete-enabled bucket"), so a successful "MfaDelete: Disabled" from anyone else changed
 * nothing: the bucket never had MFA delete (SDK examples send it routinely).
 */
function mfaDeleteTurnedOff(record: CloudTrailRecord, mfaDelete: string | undefined): boolean {
  return mfaDelete === 'disabled' && isRootCaller(record);
}

export const s3BucketVersioningSuspended: Detection = {
  id: 's3-bucket-versioning-suspended',
  title: 'S3 bucket versioning suspended or MFA delete turned off',
  severity: 'medium',
  description:
    'Versioning was suspended on a bucket, or MFA delete was turned off. While versioning is suspended, an overwrite or delete ' +
    'destroys the object for good instead of keeping the previous version: attackers suspend it before encrypting or wiping data ' +
    '(ransomware), so that it cannot be restored. MFA delete makes removing a version or changing versioning need the root user ' +
    'and its MFA code; turning it off removes that second factor. A request can do both; it then raises the versioning finding, ' +
    'its details naming MFA delete too. Only the root user can change MFA delete, so "MfaDelete: Disabled" sent by anyone else ' +
    'is read as the no-op it is. The event does not say the previous state: suspending a bucket that was never versioned raises ' +
    'too. Not seen: objects deleted while versioning is off (data events), and S3 Object Lock, which protects versions regardless.',
  remediation:
    'Turn versioning back on: `aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled`. ' +
    'MFA delete can only be turned on by the root user with its MFA device: `aws s3api put-bucket-versioning --bucket BUCKET ' +
    '--versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device CODE"`. ' +
    'Check what was overwritten or deleted meanwhile: `aws s3api list-object-versions --bucket BUCKET`. For data that must ' +
    'survive a compromised administrator, use S3 Object Lock or AWS Backup with a vault lock.',
  references: {
    cis: ['2.1.2'],
    securityHub: ['S3.14', 'S3.20'],
    mitreAttack: ['T1490', 'T1485'],
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html',
    ],
  },
  scoped: true,
  events: [{ eventSource: 's3.amazonaws.com', eventNames: ['PutBucketVersioning', 'DeleteBucket'] }],

  evaluate(record) {
    if (record.eventName !== 'PutBucketVersioning') return undefined;
    const bucket = bucketOf(record);
    if (bucket === undefined) return undefined;
    const { status, mfaDelete } = versioningOf(record);
    const mfaOff = mfaDeleteTurnedOff(record, mfaDelete);
    const actor = actorOf(record).arn;
    if (status === 'suspended') {
      return {
        severity: 'medium',
        resource: bucket.arn,
        scope: VERSIONING,
        summary:
          `${actor} suspended versioning on bucket ${bucket.name}${mfaOff ? ' and turned off MFA delete' : ''}: ` +
          'objects overwritten or deleted from now on cannot be restored.',
        details: { bucket: bucket.name, status: 'Suspended', ...(mfaOff ? { mfaDelete: 'Disabled' } : {}) },
      };
    }
    if (!mfaOff) return undefined;
    return {
      severity: 'medium',
      resource: bucket.arn,
      scope: MFA_DELETE,
      summary: `${actor} turned off MFA delete on bucket ${bucket.name}: removing object versions or versioning no longer needs the root user's MFA code.`,
      details: { bucket: bucket.name, mfaDelete: 'Disabled' },
    };
  },

  resolves(record) {
    const bucket = bucketOf(record);
    if (bucket === undefined) return [];
    if (record.eventName === 'DeleteBucket') {
      // Each scope by name, so the removal is kept even when it arrives before the detection.
      return [
        { resource: bucket.arn, scope: VERSIONING, reason: 'bucket deleted' },
        { resource: bucket.arn, scope: MFA_DELETE, reason: 'bucket deleted' },
      ];
    }
    if (record.eventName !== 'PutBucketVersioning') return [];
    const { status, mfaDelete } = versioningOf(record);
    const removals: RiskRemoval[] = [];
    if (status === 'enabled') removals.push({ resource: bucket.arn, scope: VERSIONING, reason: 'versioning enabled again' });
    if (mfaDelete === 'enabled') removals.push({ resource: bucket.arn, scope: MFA_DELETE, reason: 'MFA delete turned on again' });
    return removals;
  },
};
