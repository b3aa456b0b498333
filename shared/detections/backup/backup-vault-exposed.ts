import { accountOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/** The vault named by the request (vault names are unique per account and region). */
function vaultOf(record: CloudTrailRecord): ExposableResource | undefined {
  const name = stringField(record, 'requestParameters', 'backupVaultName');
  if (name === undefined || name === '') return undefined;
  return { arn: `arn:${partitionOf(record)}:backup:${regionOf(record)}:${accountOf(record)}:backup-vault:${name}`, label: `backup vault ${name}` };
}

/** PutBackupVaultAccessPolicy's `policy`, a JSON string. */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const document = field(record, 'requestParameters', 'policy');
  const resource = vaultOf(record);
  return record.eventName !== 'PutBackupVaultAccessPolicy' || resource === undefined || document === undefined || document === null || document === ''
    ? undefined
    : { resource, document };
}

export const backupVaultExposed: Detection = {
  id: 'backup-vault-exposed',
  title: 'Backup vault opened to the world or to an outside account',
  severity: 'critical',
  description:
    "A backup vault's access policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), act on its " +
    'recovery points: restore or copy them out (your data), or delete them and change their lifecycle (your way back after a ' +
    'ransomware attack). Read as IAM Access Analyzer does: Principal "*" is pinned only by fixed values of caller keys; Deny ' +
    'statements, the usual content of vault policies, grant nothing. A copy destination vault that accepts ' +
    'backup:CopyIntoBackupVault from your organization is fine. Not caught: the vault lock, and cross-account backup settings.',
  remediation:
    'Put back a policy limited to your accounts: `aws backup put-backup-vault-access-policy --backup-vault-name VAULT --policy ' +
    'file://policy.json` (or remove it: `aws backup delete-backup-vault-access-policy --backup-vault-name VAULT`). List the copy ' +
    'and restore jobs since the change (`aws backup list-copy-jobs`, `aws backup list-restore-jobs`) and check the recovery ' +
    'points are all still there.',
  references: {
    mitreAttack: ['T1537', 'T1490'],
    links: ['https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html'],
  },
  scoped: false,
  events: [{ eventSource: 'backup.amazonaws.com', eventNames: ['PutBackupVaultAccessPolicy', 'DeleteBackupVaultAccessPolicy', 'DeleteBackupVault'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change);
  },

  resolves(record, context) {
    const vault = vaultOf(record);
    if (vault === undefined) return [];
    if (record.eventName === 'DeleteBackupVaultAccessPolicy') return [{ resource: vault.arn, reason: 'vault access policy deleted' }];
    if (record.eventName === 'DeleteBackupVault') return [{ resource: vault.arn, reason: 'vault deleted' }];
    const change = policyChange(record);
    return change === undefined ? [] : removalWhenContained(record, context, change);
  },
};
