import { ebsSnapshotOf } from '../../cloudtrail/snapshots.js';
import { sharedOutsideMatches, unsharedRemovals } from '../account-sharing.js';
import type { Detection } from '../detection.js';
import { permissionItems, userIdsIn } from '../ec2-sharing.js';

export const ebsSnapshotSharedOutside: Detection = {
  id: 'ebs-snapshot-shared-outside',
  title: 'EBS snapshot shared with an account outside the trusted accounts',
  severity: 'high',
  description:
    "An EBS snapshot's create-volume permission was given to an AWS account that is neither this account nor one of the trusted " +
    'accounts. That account can copy the snapshot, create a volume from it and read the whole disk: databases, keys and ' +
    'credentials left on it included. Sharing a snapshot with an attacker-owned account is a quiet way to take data out, since ' +
    'the copy happens in their account. One finding per outside account; sharing with everyone ' +
    '(group "all") is ebs-snapshot-public. Only the documented form of the call (createVolumePermission add items) is read.',
  remediation:
    'Remove the account unless the share is intended: `aws ec2 modify-snapshot-attribute --snapshot-id SNAPSHOT --attribute ' +
    'createVolumePermission --operation-type remove --user-ids ACCOUNT`, or make the snapshot private again with ' +
    '`aws ec2 reset-snapshot-attribute --snapshot-id SNAPSHOT --attribute createVolumePermission`. If the share is legitimate, ' +
    'add the account to the trusted accounts. Otherwise assume the data was copied: rotate any secret on the disk and find out ' +
    'how the actor got the permission.',
  references: {
    mitreAttack: ['T1537'],
    links: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html'],
  },
  scoped: true,
  events: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['ModifySnapshotAttribute', 'ResetSnapshotAttribute', 'DeleteSnapshot'] }],

  evaluate(record, context) {
    if (record.eventName !== 'ModifySnapshotAttribute') return undefined;
    const snapshot = ebsSnapshotOf(record);
    if (snapshot === undefined) return undefined;
    const added = userIdsIn(permissionItems(record, 'createVolumePermission', 'add'));
    return sharedOutsideMatches(record, context, snapshot, added, 'create a volume from it and read the whole disk', { snapshotId: snapshot.id });
  },

  resolves(record) {
    const snapshot = ebsSnapshotOf(record);
    if (snapshot === undefined) return [];
    if (record.eventName === 'DeleteSnapshot') return [{ resource: snapshot.arn, reason: 'snapshot deleted' }];
    if (record.eventName === 'ResetSnapshotAttribute') return [{ resource: snapshot.arn, reason: 'snapshot permissions reset to private' }];
    return unsharedRemovals(snapshot, userIdsIn(permissionItems(record, 'createVolumePermission', 'remove')), 'account removed from the snapshot permissions');
  },
};
