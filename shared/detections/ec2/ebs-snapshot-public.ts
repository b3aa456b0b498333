import { ebsSnapshotOf } from '../../cloudtrail/snapshots.js';
import { actorOf, type CloudTrailRecord } from '../../cloudtrail/record.js';
import type { Detection } from '../detection.js';
import { includesGroupAll, permissionItems } from '../ec2-sharing.js';

/** Whether the request adds (or removes) the group "all" to the snapshot's create-volume permissions. */
function changesGroupAll(record: CloudTrailRecord, operation: 'add' | 'remove'): boolean {
  return includesGroupAll(permissionItems(record, 'createVolumePermission', operation));
}

export const ebsSnapshotPublic: Detection = {
  id: 'ebs-snapshot-public',
  title: 'EBS snapshot made public',
  severity: 'critical',
  description:
    'An EBS snapshot was shared with every AWS account. Anyone can create a volume from it and read the whole disk: databases, ' +
    'keys and credentials left on it included.',
  remediation:
    'Make it private again: `aws ec2 modify-snapshot-attribute --snapshot-id SNAPSHOT --attribute createVolumePermission ' +
    '--operation-type remove --group-names all`, and turn on block public access for snapshots in every region: ' +
    '`aws ec2 enable-snapshot-block-public-access --state block-all-sharing`. Assume the data was copied: rotate any secret on it.',
  references: {
    securityHub: ['EC2.1'],
    mitreAttack: ['T1537'],
    links: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html'],
  },
  scoped: false,
  events: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['ModifySnapshotAttribute', 'ResetSnapshotAttribute', 'DeleteSnapshot'] }],

  evaluate(record) {
    if (record.eventName !== 'ModifySnapshotAttribute' || !changesGroupAll(record, 'add')) return undefined;
    const snapshot = ebsSnapshotOf(record);
    if (snapshot === undefined) return undefined;
    return {
      severity: 'critical',
      resource: snapshot.arn,
      summary: `${actorOf(record).arn} made EBS snapshot ${snapshot.id} public: any AWS account can now copy the disk.`,
      details: { snapshotId: snapshot.id },
    };
  },

  resolves(record) {
    const snapshot = ebsSnapshotOf(record);
    if (snapshot === undefined) return [];
    if (record.eventName === 'DeleteSnapshot') return [{ resource: snapshot.arn, reason: 'snapshot deleted' }];
    if (record.eventName === 'ResetSnapshotAttribute') return [{ resource: snapshot.arn, reason: 'snapshot permissions reset to private' }];
    if (record.eventName === 'ModifySnapshotAttribute' && changesGroupAll(record, 'remove'))
      return [{ resource: snapshot.arn, reason: 'public sharing removed' }];
    return [];
  },
};
