// The RDS state reader (manual DB and cluster snapshots, public databases) against moto over HTTP: the
// exact findings of seeded risks and look-alikes, the finding id each event would give, then risks
// removed and resolved.
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBInstanceCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { rdsReader } from '../../../shared/scan/readers/rds.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const rds = motoClients(moto, (config) => new RDSClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const snapshotArn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:${id}`;
const clusterSnapshotArn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:cluster-snapshot:${id}`;
const instanceArn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`;
const clusterArn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:${id}`;
const CREDENTIALS = { MasterUsername: 'admin_user', MasterUserPassword: 'not-a-real-password-1' };

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, rdsReader, { context });
}

function found(report: ScanReport): string[] {
  return foundIn(report, { withRegion: false });
}

async function snapshot(id: string, restore: string[] = []): Promise<void> {
  await rds().send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: id }));
  if (restore.length > 0) await rds().send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: restore }));
}

async function clusterSnapshot(id: string, restore: string[] = []): Promise<void> {
  await rds().send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'ledger', DBClusterSnapshotIdentifier: id }));
  if (restore.length > 0)
    await rds().send(new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: restore }));
}

async function instance(id: string, settings: { public?: boolean; cluster?: string; engine?: string } = {}): Promise<void> {
  await rds().send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.t3.micro',
      Engine: settings.engine ?? 'postgres',
      ...(settings.cluster === undefined ? { AllocatedStorage: 20, ...CREDENTIALS } : { DBClusterIdentifier: settings.cluster }),
      ...(settings.public === undefined ? {} : { PubliclyAccessible: settings.public }),
    }),
  );
}

beforeAll(async () => {
  await instance('orders');
  await rds().send(new CreateDBClusterCommand({ DBClusterIdentifier: 'ledger', Engine: 'aurora-postgresql', ...CREDENTIALS }));
  // Public databases: an instance, an Aurora instance (Aurora sets it per instance), a Multi-AZ DB
  // cluster (set on the cluster, so its own instance is not reported again).
  await instance('storefront', { public: true });
  await instance('ledger-reader', { public: true, cluster: 'ledger', engine: 'aurora-postgresql' });
  await rds().send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'analytics',
      Engine: 'postgres',
      DBClusterInstanceClass: 'db.m6gd.large',
      StorageType: 'io1',
      AllocatedStorage: 100,
      Iops: 1000,
      PubliclyAccessible: true,
      ...CREDENTIALS,
    }),
  );
  await instance('analytics-writer', { public: true, cluster: 'analytics' });
  // Look-alikes: private, and left to the default (orders).
  await instance('reports', { public: false });
  // Risks: public, shared outside (one finding per outside account, besides "all").
  await snapshot('orders-public', ['all']);
  await snapshot('orders-partner', [OUTSIDE, TRUSTED]);
  await clusterSnapshot('ledger-public-partner', ['all', OUTSIDE]);
  // Look-alikes: shared with a trusted account only, private.
  await snapshot('orders-trusted', [TRUSTED]);
  await snapshot('orders-private');
  await clusterSnapshot('ledger-private');
}, 60_000);

describe('the RDS state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes (automated snapshots are not listed)', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(found(report)).toEqual(
      [
        `rds-snapshot-public ${snapshotArn('orders-public')} - critical`,
        `rds-snapshot-shared-outside ${snapshotArn('orders-partner')} account/${OUTSIDE} high`,
        `rds-snapshot-public ${clusterSnapshotArn('ledger-public-partner')} - critical`,
        `rds-snapshot-shared-outside ${clusterSnapshotArn('ledger-public-partner')} account/${OUTSIDE} high`,
        `rds-instance-public ${instanceArn('storefront')} - high`,
        `rds-instance-public ${instanceArn('ledger-reader')} - high`,
        `rds-instance-public ${clusterArn('analytics')} - high`,
      ].sort(),
    );
    expect(report.counts).toEqual({ 'database snapshots': 4, 'database cluster snapshots': 2, 'database instances': 5, 'database clusters': 2 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-public', attributeName: 'restore', valuesToAdd: ['all'] }),
      event('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-partner', attributeName: 'restore', valuesToAdd: [OUTSIDE] }),
      event('ModifyDBClusterSnapshotAttribute', {
        dBClusterSnapshotIdentifier: 'ledger-public-partner',
        attributeName: 'restore',
        valuesToAdd: ['all', OUTSIDE],
      }),
      event('ModifyDBInstance', { dBInstanceIdentifier: 'StoreFront', publiclyAccessible: true, applyImmediately: true }),
      event('ModifyDBInstance', { dBInstanceIdentifier: 'ledger-reader', publiclyAccessible: true }),
      event('ModifyDBCluster', { dBClusterIdentifier: 'analytics', publiclyAccessible: true, applyImmediately: true }),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(7);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(7);

    await rds().send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'orders-public' }));
    await rds().send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: 'ledger-public-partner',
        AttributeName: 'restore',
        ValuesToRemove: [OUTSIDE],
      }),
    );
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'storefront', PubliclyAccessible: false, ApplyImmediately: true }));
    // moto ignores PubliclyAccessible in ModifyDBCluster: the cluster goes instead.
    await rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'analytics-writer', SkipFinalSnapshot: true }));
    await rds().send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'analytics', SkipFinalSnapshot: true }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(resolved).toEqual(
      [
        `rds-snapshot-public ${snapshotArn('orders-public')} -`,
        `rds-snapshot-shared-outside ${clusterSnapshotArn('ledger-public-partner')} account/${OUTSIDE}`,
        `rds-instance-public ${instanceArn('storefront')} -`,
        `rds-instance-public ${clusterArn('analytics')} -`,
      ].sort(),
    );
    expect(second.written.map((change) => change.outcome)).toEqual(['updated', 'updated', 'updated']);
  });
});

/** A successful rds call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>): CloudTrailRecord {
  return loggedCall('rds.amazonaws.com', eventName, requestParameters);
}
