// The AWS Backup state reader (vault access policies). moto lists vaults but serves no
// GetBackupVaultAccessPolicy or PutBackupVaultAccessPolicy (it answers them with a 404 page, tried with
// moto 5.2), so the SDK is mocked here: a small fake of the vaults answers ListBackupVaults (two vaults a
// page) and GetBackupVaultAccessPolicy (ResourceNotFoundException for a vault without a policy, as AWS
// Backup answers). The exact findings of seeded risks and look-alikes, the finding id each event would
// give, then risks removed and resolved, a vault that refuses, and a list that fails.
import { BackupClient, GetBackupVaultAccessPolicyCommand, ListBackupVaultsCommand } from '@aws-sdk/client-backup';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { backupReader } from '../../../shared/scan/readers/backup.js';
import { recordScan } from '../../../shared/scan/record.js';
import {
  aSecondLater,
  awsError,
  findingIdsOfEvents,
  findingIdsOfScan,
  foundIn,
  keepingInputsIn,
  loggedCall,
  SCAN_ACCOUNT,
  scanWithMocks,
  useFindingsStore,
} from '../harness.js';

const ACCOUNT = SCAN_ACCOUNT;
const TRUSTED = '777788889999';
const TRUSTED_ORGANIZATION = 'o-trusted123';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(`${TRUSTED} ${TRUSTED_ORGANIZATION}`, 'test') };
const RULE = 'backup-vault-exposed';
const vaultArn = (name: string) => `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:${name}`;

const RECOVERY_POINTS = ['backup:DescribeRecoveryPoint', 'backup:StartRestoreJob', 'backup:DeleteRecoveryPoint'];
const allow = (principal: unknown, action: string | string[] = RECOVERY_POINTS, condition?: object) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: '*',
  ...(condition === undefined ? {} : { Condition: condition }),
});
/** The policy AWS Backup documents against deleting recovery points: a Deny, which grants nothing. */
const denyDelete = {
  Effect: 'Deny',
  Principal: '*',
  Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
  Resource: '*',
  Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/BackupAdmin` } },
};
const policyOf = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const copiesFrom = (organization: string) => allow('*', 'backup:CopyIntoBackupVault', { StringEquals: { 'aws:PrincipalOrgID': organization } });

const POLICIES = {
  public: policyOf(denyDelete, allow('*')),
  outside: policyOf(allow({ AWS: `arn:aws:iam::${OUTSIDE}:root` })),
  untrustedCopies: policyOf(copiesFrom('o-otherorg999')),
  denyOnly: policyOf(denyDelete),
  trustedCopies: policyOf(copiesFrom(TRUSTED_ORGANIZATION)),
  partner: policyOf(allow({ AWS: `arn:aws:iam::${TRUSTED}:role/restore-tester` })),
};

/** The fake account's vaults: each one's access policy, undefined for none, or the error its policy call meets. */
const vaults = new Map<string, string | undefined | { refused: string }>();
const PAGE = 2;

const opened = useFindingsStore();
let backup: AwsClientStub<BackupClient>;
/** What each ListBackupVaults asked, as sent. */
const listed: { NextToken?: string }[] = [];

function scan(): Promise<ScanReport> {
  return scanWithMocks(backupReader, { context });
}

function seed(): void {
  vaults.clear();
  // Risks: recovery points open to everyone; restore and delete for an outside account; copies
  // accepted from an organization that is not trusted.
  vaults.set('central-vault', POLICIES.public);
  vaults.set('dr-copies', POLICIES.outside);
  vaults.set('org-intake', POLICIES.untrustedCopies);
  // Look-alikes: a Deny-only policy, copies from the trusted organization, a trusted partner, no policy.
  vaults.set('locked-down', POLICIES.denyOnly);
  vaults.set('org-copies', POLICIES.trustedCopies);
  vaults.set('restore-tests', POLICIES.partner);
  vaults.set('Default', undefined);
}

beforeAll(() => {
  backup = mockClient(BackupClient);
});

beforeEach(() => {
  seed();
  backup.reset();
  listed.length = 0;
  backup.on(ListBackupVaultsCommand).callsFake(
    keepingInputsIn(listed, (input: { NextToken?: string }) => {
      const names = [...vaults.keys()];
      const start = Number(input.NextToken ?? '0');
      const next = start + PAGE < names.length ? String(start + PAGE) : undefined;
      return {
        BackupVaultList: names.slice(start, start + PAGE).map((name) => ({ BackupVaultName: name, BackupVaultArn: vaultArn(name) })),
        ...(next === undefined ? {} : { NextToken: next }),
      };
    }),
  );
  backup.on(GetBackupVaultAccessPolicyCommand).callsFake((input: { BackupVaultName: string }) => {
    const policy = vaults.get(input.BackupVaultName);
    if (typeof policy === 'object') throw awsError(policy.refused);
    if (policy === undefined) throw awsError('ResourceNotFoundException');
    return { BackupVaultName: input.BackupVaultName, BackupVaultArn: vaultArn(input.BackupVaultName), Policy: policy };
  });
});

afterAll(async () => {
  backup?.restore();
});

describe('the AWS Backup state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes, paging through the vaults', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [`${RULE} ${vaultArn('central-vault')} - critical`, `${RULE} ${vaultArn('dr-copies')} - high`, `${RULE} ${vaultArn('org-intake')} - high`].sort(),
    );
    expect(report.counts).toEqual({ 'backup vaults': 7 });
    expect(listed).toEqual([
      { MaxResults: 1000 },
      { MaxResults: 1000, NextToken: '2' },
      { MaxResults: 1000, NextToken: '4' },
      { MaxResults: 1000, NextToken: '6' },
    ]);
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      putVaultPolicy('central-vault', POLICIES.public),
      putVaultPolicy('dr-copies', POLICIES.outside),
      putVaultPolicy('org-intake', POLICIES.untrustedCopies),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(3);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan, and leaves alone a vault it may no longer read', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(3);

    vaults.set('central-vault', undefined);
    vaults.delete('org-intake');
    vaults.set('dr-copies', { refused: 'AccessDeniedException' });
    await aSecondLater();
    const report = await scan();
    const second = await recordScan(opened.store, report);

    expect(report.unread).toEqual([{ resource: vaultArn('dr-copies'), reason: 'AccessDeniedException', reader: 'backup', region: 'us-east-1' }]);
    const resolved = second.resolved.map((change) => `${change.outcome} ${change.finding?.ruleId} ${change.finding?.resource}`).sort();
    expect(resolved).toEqual([`resolved ${RULE} ${vaultArn('central-vault')}`, `resolved ${RULE} ${vaultArn('org-intake')}`].sort());
    expect(second.written).toEqual([]);
  });

  it('reports the region and reconciles nothing there when the vaults cannot be listed', async () => {
    backup.on(ListBackupVaultsCommand).rejects(awsError('AccessDeniedException'));

    const report = await scan();

    expect(report.problems).toEqual([expect.objectContaining({ reader: 'backup', region: 'us-east-1', code: 'AccessDeniedException' })]);
    expect(report.coverage).toEqual([]);
    expect(backup.commandCalls(GetBackupVaultAccessPolicyCommand)).toHaveLength(0);
  });
});

/** PutBackupVaultAccessPolicy with the request members of the AWS Backup API reference: the policy as a JSON string. */
function putVaultPolicy(backupVaultName: string, policy: string): CloudTrailRecord {
  return loggedCall('backup.amazonaws.com', 'PutBackupVaultAccessPolicy', { backupVaultName, policy });
}
