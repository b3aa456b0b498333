import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const vaultArn = `arn:aws:backup:eu-west-1:${EXAMPLE_ACCOUNT}:backup-vault:central-vault`;
const statements = exposureStatements(['backup:DescribeRecoveryPoint', 'backup:StartRestoreJob', 'backup:DeleteRecoveryPoint'], '*');

/** PutBackupVaultAccessPolicy with the request members of the API reference: the policy as a JSON string. */
const putPolicy = (...policy: object[]) =>
  exampleEvent('backup.amazonaws.com', 'PutBackupVaultAccessPolicy', {
    requestParameters: { backupVaultName: 'central-vault', policy: JSON.stringify(policyOf(...policy)) },
  });

/** The policy AWS Backup documents against deleting recovery points: a Deny, which grants nothing. */
const denyDelete = {
  Sid: 'DenyDeleteRecoveryPoints',
  Effect: 'Deny',
  Principal: '*',
  Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:PutBackupVaultAccessPolicy'],
  Resource: '*',
  Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/BackupAdmin` } },
};

export const examples: DetectionExamples = {
  positive: [
    { name: 'recovery points open to everyone', record: putPolicy(denyDelete, statements.public), expect: { severity: 'critical', resource: vaultArn } },
    { name: 'restore and delete for an outside account', record: putPolicy(statements.outsideAccount), expect: { severity: 'high', resource: vaultArn } },
    {
      name: 'copies accepted from an untrusted organization',
      record: putPolicy({ ...statements.untrustedOrganization, Action: 'backup:CopyIntoBackupVault' }),
      expect: { severity: 'high' },
    },
  ],
  negative: [
    { name: 'a Deny against deleting recovery points', record: putPolicy(denyDelete) },
    { name: 'copies accepted from the trusted organization', record: putPolicy({ ...statements.trustedOrganization, Action: 'backup:CopyIntoBackupVault' }) },
    { name: 'own account only', record: putPolicy(statements.ownAccount) },
    { name: 'a trusted partner role', record: putPolicy(statements.trustedPartner) },
    { name: 'pinned by aws:SourceAccount of the own account', record: putPolicy(statements.ownSource) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: putPolicy(statements.public, statements.denyOutsideOrganization) },
  ],
  resolving: [
    { name: 'policy replaced by a Deny-only one', record: putPolicy(denyDelete), removes: [{ resource: vaultArn }] },
    {
      name: 'policy deleted',
      record: exampleEvent('backup.amazonaws.com', 'DeleteBackupVaultAccessPolicy', { requestParameters: { backupVaultName: 'central-vault' } }),
      removes: [{ resource: vaultArn }],
    },
    {
      name: 'vault deleted',
      record: exampleEvent('backup.amazonaws.com', 'DeleteBackupVault', { requestParameters: { backupVaultName: 'central-vault' } }),
      removes: [{ resource: vaultArn }],
    },
  ],
};
