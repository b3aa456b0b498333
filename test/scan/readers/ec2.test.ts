// The EC2 state reader (EBS snapshots and AMIs) against moto over HTTP, in two regions and one that
// does not answer: the exact findings of seeded risks and look-alikes, the finding id each event would
// give, then risks removed and resolved, while the region that failed keeps its findings.
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeregisterImageCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { ec2Reader } from '../../../shared/scan/readers/ec2.js';
import { recordScan } from '../../../shared/scan/record.js';
import { detected as storedDetection, evaluation } from '../../support/findings-factory.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const ec2 = motoClients(moto, (config) => new EC2Client(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
/** A region moto does not serve: its calls fail, as a disabled region's do. */
const NOWHERE = 'xx-nowhere-1';
const arn = (region: string, kind: 'snapshot' | 'image', id: string) => `arn:aws:ec2:${region}:${ACCOUNT}:${kind}/${id}`;

const ids: Record<string, string> = {};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, ec2Reader, { context, regions: ['us-east-1', 'eu-west-1', NOWHERE], maxAttempts: 1 });
}

function found(report: ScanReport): string[] {
  return foundIn(report);
}

async function snapshot(name: string, region: string, share: { group?: 'all'; account?: string } = {}): Promise<void> {
  const volume = await ec2(region).send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 1 }));
  const created = await ec2(region).send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId }));
  ids[name] = created.SnapshotId ?? '';
  if (share.group === undefined && share.account === undefined) return;
  await ec2(region).send(
    new ModifySnapshotAttributeCommand({
      SnapshotId: created.SnapshotId,
      Attribute: 'createVolumePermission',
      OperationType: 'add',
      ...(share.group === undefined ? {} : { GroupNames: [share.group] }),
      ...(share.account === undefined ? {} : { UserIds: [share.account] }),
    }),
  );
}

async function image(name: string, share: { group?: 'all'; account?: string } = {}): Promise<void> {
  const [instance] = (await ec2().send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }))).Instances ?? [];
  const created = await ec2().send(new CreateImageCommand({ InstanceId: instance?.InstanceId, Name: name }));
  ids[name] = created.ImageId ?? '';
  if (share.group === undefined && share.account === undefined) return;
  await ec2().send(
    new ModifyImageAttributeCommand({
      ImageId: created.ImageId,
      Attribute: 'launchPermission',
      OperationType: 'add',
      ...(share.group === undefined ? {} : { UserGroups: [share.group] }),
      ...(share.account === undefined ? {} : { UserIds: [share.account] }),
    }),
  );
}

beforeAll(async () => {
  // Risks.
  await snapshot('public', 'us-east-1', { group: 'all' });
  await snapshot('outside', 'us-east-1', { account: OUTSIDE });
  await snapshot('outside-eu', 'eu-west-1', { account: OUTSIDE });
  await image('public-ami', { group: 'all' });
  await image('outside-ami', { account: OUTSIDE });
  // Look-alikes: shared with a trusted account, private.
  await snapshot('trusted', 'us-east-1', { account: TRUSTED });
  await snapshot('private', 'eu-west-1');
  await image('trusted-ami', { account: TRUSTED });
  await image('private-ami');
}, 60_000);

describe('the EC2 state reader', () => {
  it('finds exactly the seeded risks in each region, none of the look-alikes, and reports the region that failed', async () => {
    const report = await scan();

    expect(found(report)).toEqual(
      [
        `ebs-snapshot-public ${arn('us-east-1', 'snapshot', ids['public']!)} - critical us-east-1`,
        `ebs-snapshot-shared-outside ${arn('us-east-1', 'snapshot', ids['outside']!)} account/${OUTSIDE} high us-east-1`,
        `ebs-snapshot-shared-outside ${arn('eu-west-1', 'snapshot', ids['outside-eu']!)} account/${OUTSIDE} high eu-west-1`,
        `ami-public ${arn('us-east-1', 'image', ids['public-ami']!)} - critical us-east-1`,
        `ami-shared-outside ${arn('us-east-1', 'image', ids['outside-ami']!)} account/${OUTSIDE} high us-east-1`,
      ].sort(),
    );
    expect(report.problems.map((problem) => [problem.reader, problem.region])).toEqual([['ec2', NOWHERE]]);
    expect(report.coverage.map((part) => part.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.unread).toEqual([]);
    // Only the account's own: moto also holds a thousand public snapshots of other owners.
    expect(report.counts).toEqual({ snapshots: 5 + 4, images: 4 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const share = (id: string, item: Record<string, string>) => ({
      snapshotId: id,
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { add: { items: [item] } },
    });
    const launch = (id: string, item: Record<string, string>) => ({
      imageId: id,
      attributeType: 'launchPermission',
      launchPermission: { add: { items: [item] } },
    });
    const events: CloudTrailRecord[] = [
      event('ModifySnapshotAttribute', share(ids['public']!, { group: 'all' })),
      event('ModifySnapshotAttribute', share(ids['outside']!, { userId: OUTSIDE })),
      event('ModifySnapshotAttribute', share(ids['outside-eu']!, { userId: OUTSIDE }), 'eu-west-1'),
      event('ModifyImageAttribute', launch(ids['public-ami']!, { group: 'all' })),
      event('ModifyImageAttribute', launch(ids['outside-ami']!, { userId: OUTSIDE })),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(5);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves what is gone on the next scan, and leaves the findings of the region it could not read', async () => {
    const unreachable = storedDetection({ ruleId: 'ebs-snapshot-public', resource: arn(NOWHERE, 'snapshot', 'snap-0123456789abcdef0'), scope: undefined });
    await opened.store.apply(evaluation({ detected: [{ ...unreachable, region: NOWHERE }] }));
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(5);
    expect(first.resolved).toEqual([]);

    await ec2().send(
      new ModifySnapshotAttributeCommand({ SnapshotId: ids['public'], Attribute: 'createVolumePermission', OperationType: 'remove', GroupNames: ['all'] }),
    );
    await ec2('eu-west-1').send(
      new ModifySnapshotAttributeCommand({ SnapshotId: ids['outside-eu'], Attribute: 'createVolumePermission', OperationType: 'remove', UserIds: [OUTSIDE] }),
    );
    await ec2().send(new DeregisterImageCommand({ ImageId: ids['public-ami'] }));
    await aSecondLater();
    const report = await scan();
    const second = await recordScan(opened.store, report);

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(resolved).toEqual(
      [
        `ebs-snapshot-public ${arn('us-east-1', 'snapshot', ids['public']!)} -`,
        `ebs-snapshot-shared-outside ${arn('eu-west-1', 'snapshot', ids['outside-eu']!)} account/${OUTSIDE}`,
        `ami-public ${arn('us-east-1', 'image', ids['public-ami']!)} -`,
      ].sort(),
    );
    expect(await opened.store.get(unreachable.findingId)).toMatchObject({ status: 'open' });
  });
});

/** A successful ec2 call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, region = 'us-east-1'): CloudTrailRecord {
  return loggedCall('ec2.amazonaws.com', eventName, requestParameters, { region });
}
