// The KMS state reader (customer managed keys: policy and key state) against moto over HTTP: the exact
// findings of seeded risks and look-alikes, the finding id each event would give, then risks removed
// and resolved. Then, with the SDK mocked, what moto does not model: AWS managed keys (moto makes
// every key customer managed), pages (moto ignores Limit), refusals and the rarer key states.
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListKeysCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { kmsReader } from '../../../shared/scan/readers/kms.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import {
  aSecondLater,
  awsError,
  findingIdsOfEvents,
  findingIdsOfScan,
  foundIn,
  keepingInputsIn,
  loggedCall,
  motoClients,
  readWithMocks,
  scanWithMoto,
  useFindingsStore,
} from '../harness.js';

const moto = useMoto();
const kms = motoClients(moto, (config) => new KMSClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const EXPOSED = 'kms-key-exposed';
const UNUSABLE = 'kms-key-disabled-or-scheduled-for-deletion';

/** The default key policy: the account, which then delegates to IAM. */
const ownAccount = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const decryptFor = (principal: unknown, condition?: object) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: ['kms:Decrypt', 'kms:DescribeKey'],
  Resource: '*',
  ...(condition === undefined ? {} : { Condition: condition }),
});
const policyOf = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

const POLICIES = {
  default: policyOf(ownAccount),
  public: policyOf(ownAccount, decryptFor('*')),
  outside: policyOf(ownAccount, decryptFor({ AWS: `arn:aws:iam::${OUTSIDE}:root` })),
  trusted: policyOf(ownAccount, decryptFor({ AWS: `arn:aws:iam::${TRUSTED}:role/reader` })),
  /** What AWS managed keys use: anyone, but only from the own account. */
  ownCallers: policyOf(ownAccount, decryptFor({ AWS: '*' }, { StringEquals: { 'kms:CallerAccount': ACCOUNT } })),
};

/** Key ids by role in the test. */
const keys: Record<string, string> = {};
const arnOf = (name: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keys[name]}`;

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, kmsReader, { context });
}

async function key(name: string, policy: string): Promise<string> {
  const { KeyMetadata: metadata } = await kms().send(new CreateKeyCommand({ Description: name }));
  const id = metadata?.KeyId ?? '';
  await kms().send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: policy }));
  keys[name] = id;
  return id;
}

beforeAll(async () => {
  // Risks: a public policy, an outside account; a disabled key, a key pending deletion, and a
  // disabled key whose deletion the test schedules later.
  await key('public', POLICIES.public);
  await key('outside', POLICIES.outside);
  await kms().send(new DisableKeyCommand({ KeyId: await key('disabled', POLICIES.default) }));
  await kms().send(new ScheduleKeyDeletionCommand({ KeyId: await key('pending', POLICIES.default), PendingWindowInDays: 7 }));
  await kms().send(new DisableKeyCommand({ KeyId: await key('retired', POLICIES.default) }));
  // Look-alikes: a trusted partner, "*" pinned to the own account by kms:CallerAccount, the default policy.
  await key('trusted', POLICIES.trusted);
  await key('own-callers', POLICIES.ownCallers);
  await key('private', POLICIES.default);
}, 60_000);

describe('the KMS state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [
        `${EXPOSED} ${arnOf('public')} - critical`,
        `${EXPOSED} ${arnOf('outside')} - high`,
        `${UNUSABLE} ${arnOf('disabled')} disabled high`,
        `${UNUSABLE} ${arnOf('retired')} disabled high`,
        `${UNUSABLE} ${arnOf('pending')} deletion-scheduled high`,
      ].sort(),
    );
    // Whether the key pending deletion was disabled before is not in its state: left unjudged.
    expect(report.unread).toEqual([expect.objectContaining({ resource: arnOf('pending'), ruleIds: [UNUSABLE], reader: 'kms', region: 'us-east-1' })]);
    expect(report.counts).toEqual({ 'KMS keys': 8 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('PutKeyPolicy', { keyId: keys['public'], policyName: 'default', policy: POLICIES.public }),
      event('PutKeyPolicy', { keyId: keys['outside'], policyName: 'default', policy: POLICIES.outside }),
      event('DisableKey', { keyId: keys['disabled'] }),
      event('DisableKey', { keyId: keys['retired'] }),
      event(
        'ScheduleKeyDeletion',
        { keyId: keys['pending'], pendingWindowInDays: 7 },
        { keyId: arnOf('pending'), keyState: 'PendingDeletion', deletionDate: 'Dec 6, 2026, 11:06:01 PM' },
      ),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(5);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan, and leaves "disabled" alone on a key now pending deletion', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(5);

    await kms().send(new PutKeyPolicyCommand({ KeyId: keys['public'], PolicyName: 'default', Policy: POLICIES.default }));
    await kms().send(new EnableKeyCommand({ KeyId: keys['disabled'] }));
    // Cancelling leaves the key disabled (KMS developer guide, "Deleting AWS KMS keys").
    await kms().send(new CancelKeyDeletionCommand({ KeyId: keys['pending'] }));
    await kms().send(new ScheduleKeyDeletionCommand({ KeyId: keys['retired'], PendingWindowInDays: 30 }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const described = (changes: typeof second.resolved) =>
      changes.map((change) => `${change.outcome} ${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(described(second.resolved)).toEqual(
      [
        `resolved ${EXPOSED} ${arnOf('public')} -`,
        `resolved ${UNUSABLE} ${arnOf('disabled')} disabled`,
        `resolved ${UNUSABLE} ${arnOf('pending')} deletion-scheduled`,
      ].sort(),
    );
    expect(described(second.written.filter((change) => change.outcome === 'opened'))).toEqual(
      [`opened ${UNUSABLE} ${arnOf('pending')} disabled`, `opened ${UNUSABLE} ${arnOf('retired')} deletion-scheduled`].sort(),
    );
    // The retired key's "disabled" finding is neither seen nor resolved: still open from the first scan.
    const retiredDisabled = first.written.find((change) => change.finding?.resource === arnOf('retired'))?.finding?.id ?? '';
    expect((await opened.store.get(retiredDisabled))?.status).toBe('open');
  });
});

describe('the KMS state reader, on answers moto does not give', () => {
  // Mocked only once the moto tests above are done: mockClient replaces every KMSClient's send.
  let mocked: AwsClientStub<KMSClient>;
  const REGION_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key`;

  beforeAll(() => {
    mocked = mockClient(KMSClient);
  });
  afterAll(() => mocked.restore());

  const read = () => readWithMocks(kmsReader, { region: 'eu-west-1', concurrency: 2 });

  it('pages with the marker, skips AWS managed keys, and leaves keys it may not read (or whose state says nothing) unjudged', async () => {
    mocked.reset();
    const listed: { Marker?: string }[] = [];
    mocked.on(ListKeysCommand).callsFake(
      keepingInputsIn(listed, (input: { Marker?: string }) =>
        input.Marker === 'page-2'
          ? {
              Keys: [
                { KeyId: 'locked', KeyArn: `${REGION_ARN}/locked` },
                { KeyId: 'offline', KeyArn: `${REGION_ARN}/offline` },
              ],
              Truncated: false,
            }
          : { Keys: [{ KeyId: 'aws-ebs', KeyArn: `${REGION_ARN}/aws-ebs` }, { KeyId: 'gone' }], Truncated: true, NextMarker: 'page-2' },
      ),
    );
    mocked
      .on(DescribeKeyCommand, { KeyId: `${REGION_ARN}/aws-ebs` })
      .resolves({ KeyMetadata: { KeyId: 'aws-ebs', KeyManager: 'AWS', KeyState: 'Disabled' } })
      .on(DescribeKeyCommand, { KeyId: `${REGION_ARN}/gone` })
      .rejects(awsError('NotFoundException'))
      .on(DescribeKeyCommand, { KeyId: `${REGION_ARN}/locked` })
      .resolves({ KeyMetadata: { KeyId: 'locked', KeyManager: 'CUSTOMER', KeyState: 'Enabled' } })
      .on(DescribeKeyCommand, { KeyId: `${REGION_ARN}/offline` })
      .resolves({ KeyMetadata: { KeyId: 'offline', KeyManager: 'CUSTOMER', KeyState: 'Unavailable' } });
    mocked
      .on(GetKeyPolicyCommand, { KeyId: `${REGION_ARN}/locked` })
      .rejects(awsError('AccessDeniedException'))
      .on(GetKeyPolicyCommand, { KeyId: `${REGION_ARN}/offline` })
      .resolves({ Policy: POLICIES.default });

    const { observed, unread, progress } = await read();

    expect(listed).toEqual([{ Limit: 1000 }, { Limit: 1000, Marker: 'page-2' }]);
    expect(mocked.commandCalls(GetKeyPolicyCommand, { KeyId: `${REGION_ARN}/aws-ebs` })).toHaveLength(0);
    expect(observed).toEqual([
      {
        eventSource: 'kms.amazonaws.com',
        eventName: 'PutKeyPolicy',
        requestParameters: { keyId: `${REGION_ARN}/offline`, policyName: 'default', policy: POLICIES.default },
      },
    ]);
    expect(unread.sort((a, b) => a.resource.localeCompare(b.resource))).toEqual([
      { resource: `${REGION_ARN}/gone`, reason: 'NotFoundException' },
      { resource: `${REGION_ARN}/locked`, ruleIds: [EXPOSED], reason: 'AccessDeniedException' },
      { resource: `${REGION_ARN}/offline`, ruleIds: [UNUSABLE], reason: 'key state Unavailable' },
    ]);
    expect(progress).toEqual([2, 2]);
  });

  it('fails the whole read when the keys cannot be listed', async () => {
    mocked.reset();
    mocked.on(ListKeysCommand).rejects(awsError('AccessDeniedException'));

    await expect(read()).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

/** A successful kms call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, responseElements?: Record<string, unknown>): CloudTrailRecord {
  return loggedCall('kms.amazonaws.com', eventName, requestParameters, responseElements === undefined ? {} : { responseElements });
}
