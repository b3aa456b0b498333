import { rdsSnapshotOf } from '../../cloudtrail/snapshots.js';
import { asList, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { sharedOutsideMatches, unsharedRemovals } from '../account-sharing.js';
import type { Detection } from '../detection.js';

/** The values a change to the "restore" attribute adds or removes (other attributes share nothing). */
function restoreValues(record: CloudTrailRecord, list: 'valuesToAdd' | 'valuesToRemove'): string[] {
  if (stringField(record, 'requestParameters', 'attributeName') !== 'restore') return [];
  return asList(field(record, 'requestParameters', list)).filter((value): value is string => typeof value === 'string');
}

const MODIFY = ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'];

export const rdsSnapshotSharedOutside: Detection = {
  id: 'rds-snapshot-shared-outside',
  title: 'RDS snapshot shared with an account outside the trusted accounts',
  severity: 'high',
  description:
    'A manual database snapshot (RDS or Aurora cluster) was made restorable by an AWS account that is neither this account nor ' +
    'one of the trusted accounts. That account can copy or restore it in its own account and read every table. Sharing a ' +
    'snapshot with an attacker-owned account is a quiet way to take a whole database out. One finding per outside account; ' +
    'sharing with everyone ("all") is rds-snapshot-public. Removing "all" does not close these ' +
    'findings: AWS keeps the accounts added by id.',
  remediation:
    'Remove the account unless the share is intended: `aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAPSHOT ' +
    '--attribute-name restore --values-to-remove ACCOUNT` (for Aurora: `aws rds modify-db-cluster-snapshot-attribute ' +
    '--db-cluster-snapshot-identifier SNAPSHOT --attribute-name restore --values-to-remove ACCOUNT`). If the share is legitimate, ' +
    'add the account to the trusted accounts. Otherwise assume the data was copied while shared.',
  references: {
    mitreAttack: ['T1537'],
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html'],
  },
  scoped: true,
  events: [{ eventSource: 'rds.amazonaws.com', eventNames: [...MODIFY, 'DeleteDBSnapshot', 'DeleteDBClusterSnapshot'] }],

  evaluate(record, context) {
    if (!MODIFY.includes(record.eventName)) return undefined;
    const snapshot = rdsSnapshotOf(record);
    if (snapshot === undefined) return undefined;
    return sharedOutsideMatches(record, context, snapshot, restoreValues(record, 'valuesToAdd'), 'restore or copy it and read every table', {
      snapshot: snapshot.id,
    });
  },

  resolves(record) {
    const snapshot = rdsSnapshotOf(record);
    if (snapshot === undefined) return [];
    if (record.eventName.startsWith('Delete')) return [{ resource: snapshot.arn, reason: 'snapshot deleted' }];
    return unsharedRemovals(snapshot, restoreValues(record, 'valuesToRemove'), 'account can no longer restore the snapshot');
  },
};
