import { rdsSnapshotOf } from '../../cloudtrail/snapshots.js';
import { actorOf, asList, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import type { Detection } from '../detection.js';

const changesRestoreToAll = (record: CloudTrailRecord, list: 'valuesToAdd' | 'valuesToRemove'): boolean =>
  stringField(record, 'requestParameters', 'attributeName') === 'restore' && asList(field(record, 'requestParameters', list)).includes('all');

const MODIFY = ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'];

export const rdsSnapshotPublic: Detection = {
  id: 'rds-snapshot-public',
  title: 'RDS snapshot made public',
  severity: 'critical',
  description: 'A database snapshot was shared with every AWS account. Anyone can restore it into their own account and read every table.',
  remediation:
    'Make it private again: `aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAPSHOT --attribute-name restore ' +
    '--values-to-remove all` (for Aurora: `aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier SNAPSHOT ' +
    '--attribute-name restore --values-to-remove all`). Assume the data was copied while it was public.',
  references: {
    securityHub: ['RDS.1'],
    mitreAttack: ['T1537'],
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html'],
  },
  scoped: false,
  events: [{ eventSource: 'rds.amazonaws.com', eventNames: [...MODIFY, 'DeleteDBSnapshot', 'DeleteDBClusterSnapshot'] }],

  evaluate(record) {
    if (!MODIFY.includes(record.eventName) || !changesRestoreToAll(record, 'valuesToAdd')) return undefined;
    const snapshot = rdsSnapshotOf(record);
    if (snapshot === undefined) return undefined;
    return {
      severity: 'critical',
      resource: snapshot.arn,
      summary: `${actorOf(record).arn} made database snapshot ${snapshot.id} public: any AWS account can now restore it.`,
      details: { snapshot: snapshot.id },
    };
  },

  resolves(record) {
    const snapshot = rdsSnapshotOf(record);
    if (snapshot === undefined) return [];
    if (record.eventName.startsWith('Delete')) return [{ resource: snapshot.arn, reason: 'snapshot deleted' }];
    return changesRestoreToAll(record, 'valuesToRemove') ? [{ resource: snapshot.arn, reason: 'public sharing removed' }] : [];
  },
};
