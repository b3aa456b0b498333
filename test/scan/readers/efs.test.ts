// The EFS state reader (file system policies) against moto over HTTP: the exact findings of seeded
// risks and look-alikes, the finding id each event would give, then risks removed and resolved.
import { CreateFileSystemCommand, DeleteFileSystemCommand, EFSClient, PutFileSystemPolicyCommand } from '@aws-sdk/client-efs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { efsReader } from '../../../shared/scan/readers/efs.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const efs = motoClients(moto, (config) => new EFSClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const RULE = 'efs-file-system-exposed';
const MOUNT_AND_WRITE = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'];

type Statement = Record<string, unknown>;
const allow = (principal: unknown, action: string | string[] = MOUNT_AND_WRITE, condition?: object): Statement => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  ...(condition === undefined ? {} : { Condition: condition }),
});
/** What the console's "Prevent root access" and "Enforce in-transit encryption" options write. */
const CONSOLE_OPTIONS: Statement[] = [
  allow({ AWS: '*' }, MOUNT_AND_WRITE, { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } }),
  { Effect: 'Deny', Principal: { AWS: '*' }, Action: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
];

/** File system ids, and the policy each was given, by role in the test. */
const fileSystems: Record<string, { id: string; policy: string | undefined }> = {};
const idOf = (name: string) => fileSystems[name]?.id ?? '';
const arnOf = (name: string) => `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:file-system/${idOf(name)}`;

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, efsReader, { context });
}

/** A file system with a policy of these statements (each on the file system's own ARN), or none. */
async function fileSystem(name: string, statements?: Statement[]): Promise<void> {
  const { FileSystemId: id = '', FileSystemArn: arn } = await efs().send(new CreateFileSystemCommand({ CreationToken: name }));
  const policy =
    statements === undefined ? undefined : JSON.stringify({ Version: '2012-10-17', Statement: statements.map((item) => ({ ...item, Resource: arn })) });
  if (policy !== undefined) await efs().send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policy }));
  fileSystems[name] = { id, policy };
}

beforeAll(async () => {
  // Risks: mount and write for everyone with no condition; root access for an outside account.
  await fileSystem('shared-home', [allow({ AWS: '*' })]);
  await fileSystem('vendor-drop', [allow({ AWS: `arn:aws:iam::${OUTSIDE}:root` }, 'elasticfilesystem:ClientRootAccess')]);
  // Look-alikes: the console options, a trusted partner, the account itself, the default policy.
  await fileSystem('console', CONSOLE_OPTIONS);
  await fileSystem('partner', [allow({ AWS: `arn:aws:iam::${TRUSTED}:role/batch` })]);
  await fileSystem('internal', [allow({ AWS: `arn:aws:iam::${ACCOUNT}:root` })]);
  await fileSystem('plain');
}, 60_000);

describe('the EFS state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual([`${RULE} ${arnOf('shared-home')} - critical`, `${RULE} ${arnOf('vendor-drop')} - high`].sort());
    expect(report.counts).toEqual({ 'file systems': 6 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events = ['shared-home', 'vendor-drop'].map((name) => putFileSystemPolicy(idOf(name), fileSystems[name]?.policy ?? ''));

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(2);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(2);

    // moto serves no DeleteFileSystemPolicy: the policy is replaced by the console options instead.
    const consolePolicy = fileSystems['console']?.policy?.replaceAll(idOf('console'), idOf('shared-home')) ?? '';
    await efs().send(new PutFileSystemPolicyCommand({ FileSystemId: idOf('shared-home'), Policy: consolePolicy }));
    await efs().send(new DeleteFileSystemCommand({ FileSystemId: idOf('vendor-drop') }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource}`).sort();
    expect(resolved).toEqual([`${RULE} ${arnOf('shared-home')}`, `${RULE} ${arnOf('vendor-drop')}`].sort());
    expect(second.written).toEqual([]);
    expect(second.resolved.map((change) => change.outcome)).toEqual(['resolved', 'resolved']);
  });
});

/** PutFileSystemPolicy with the request members of the EFS API reference: the policy as a JSON string. */
function putFileSystemPolicy(fileSystemId: string, policy: string): CloudTrailRecord {
  return loggedCall('elasticfilesystem.amazonaws.com', 'PutFileSystemPolicy', { fileSystemId, policy, bypassPolicyLockoutSafetyCheck: false });
}
