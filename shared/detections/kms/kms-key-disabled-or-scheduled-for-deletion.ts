import { accountOf, actorOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

const DISABLED = 'disabled';
const DELETION_SCHEDULED = 'deletion-scheduled';

/**
 * The key's ARN. DisableKey, EnableKey, ScheduleKeyDeletion and CancelKeyDeletion take the key ID or
 * the key ARN, never an alias, and work only in the key's own account
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html): an ARN is kept, an ID
 * is placed in the event's account and region. Should a request ever name an alias, the key ARN
 * that KMS writes in responseElements.keyId is used instead; without it the record is skipped.
 */
function keyOf(record: CloudTrailRecord): { id: string; arn: string } | undefined {
  const given = stringField(record, 'requestParameters', 'keyId');
  if (given === undefined || given === '') return undefined;
  if (given.startsWith('arn:') && given.includes(':key/')) return { id: given.slice(given.lastIndexOf('/') + 1), arn: given };
  if (given.startsWith('alias/') || given.startsWith('arn:')) {
    const answered = stringField(record, 'responseElements', 'keyId');
    return answered?.startsWith('arn:') === true && answered.includes(':key/')
      ? { id: answered.slice(answered.lastIndexOf('/') + 1), arn: answered }
      : undefined;
  }
  return { id: given, arn: `arn:${partitionOf(record)}:kms:${regionOf(record)}:${accountOf(record)}:key/${given}` };
}

export const kmsKeyDisabledOrScheduledForDeletion: Detection = {
  id: 'kms-key-disabled-or-scheduled-for-deletion',
  title: 'KMS key disabled or scheduled for deletion',
  severity: 'high',
  description:
    'A customer managed KMS key was disabled, or scheduled for deletion. Either way every decrypt with it fails at once: the ' +
    'buckets, volumes, databases and secrets encrypted under it become unreadable. Once the waiting period (7 to 30 days) ends ' +
    'the key material is destroyed and that data is lost for good; disabling or deleting a key is how destructive and ransom ' +
    'attacks on encrypted data begin. CancelKeyDeletion closes the deletion finding, but AWS leaves the key disabled: only ' +
    'EnableKey (which fails on a key pending deletion) closes both. Deletion of a multi-Region primary key waits for its replicas ' +
    'and is reported the same way. Not caught: a key made unusable by its key policy or grants, or by deleting imported key material.',
  remediation:
    'If the change was not planned, stop the deletion while the window is open: `aws kms cancel-key-deletion --key-id KEY`, then ' +
    'turn the key back on: `aws kms enable-key --key-id KEY` (cancelling leaves it disabled). Find who did it and from where, and ' +
    'restrict kms:ScheduleKeyDeletion and kms:DisableKey in key policies to a small break-glass role.',
  references: {
    securityHub: ['KMS.3'],
    mitreAttack: ['T1485', 'T1486'],
    links: [
      'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html',
    ],
  },
  scoped: true,
  events: [{ eventSource: 'kms.amazonaws.com', eventNames: ['DisableKey', 'ScheduleKeyDeletion', 'EnableKey', 'CancelKeyDeletion'] }],

  evaluate(record) {
    const key = keyOf(record);
    if (key === undefined) return undefined;
    const actor = actorOf(record).arn;
    if (record.eventName === 'DisableKey') {
      return {
        severity: 'high',
        resource: key.arn,
        scope: DISABLED,
        summary: `${actor} disabled KMS key ${key.id}: nothing encrypted under it can be decrypted until it is enabled again.`,
        details: { keyId: key.id },
      };
    }
    if (record.eventName === 'ScheduleKeyDeletion') {
      const pendingWindowInDays = field(record, 'requestParameters', 'pendingWindowInDays');
      const deletionDate = stringField(record, 'responseElements', 'deletionDate');
      const when = deletionDate === undefined ? '' : ` on ${deletionDate}`;
      return {
        severity: 'high',
        resource: key.arn,
        scope: DELETION_SCHEDULED,
        summary: `${actor} scheduled KMS key ${key.id} for deletion${when}: cancel it before then or the data encrypted under it is lost for good.`,
        details: {
          keyId: key.id,
          pendingWindowInDays: typeof pendingWindowInDays === 'number' ? pendingWindowInDays : undefined,
          deletionDate,
          keyState: stringField(record, 'responseElements', 'keyState'),
        },
      };
    }
    return undefined;
  },

  resolves(record) {
    const key = keyOf(record);
    if (key === undefined) return [];
    // EnableKey fails on a key pending deletion (key states table), so a successful one means neither risk remains.
    if (record.eventName === 'EnableKey') {
      return [
        { resource: key.arn, scope: DISABLED, reason: 'key enabled again' },
        { resource: key.arn, scope: DELETION_SCHEDULED, reason: 'key enabled again' },
      ];
    }
    if (record.eventName === 'CancelKeyDeletion')
      return [{ resource: key.arn, scope: DELETION_SCHEDULED, reason: 'key deletion cancelled (the key stays disabled until enabled)' }];
    return [];
  },
};
