// The RDS state reader (manual DB and cluster snapshots) against moto over HTTP: the exact findings of
// seeded risks and look-alikes, the finding id each event would give, then risks removed and resolved.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { catalogue } from '../../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../../shared/detections/engine.js';
import { openFindingsStore } from '../../../shared/findings/open.js';
import type { OpenedFindingsStore } from '../../../shared/findings/store.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { rdsReader } from '../../../shared/scan/readers/rds.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { foundIn, loggedCall, scanWithMoto } from '../harness.js';

const moto = useMoto();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const snapshotArn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:${id}`;
const clusterSnapshotArn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:cluster-snapshot:${id}`;

let rds: RDSClient;
let opened: OpenedFindingsStore;
let storeDir: string;

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, rdsReader, { context });
}

function found(report: ScanReport): string[] {
  return foundIn(report, { withRegion: false });
}

async function snapshot(id: string, restore: string[] = []): Promise<void> {
  await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: id }));
  if (restore.length > 0) await rds.send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: restore }));
}

async function clusterSnapshot(id: string, restore: string[] = []): Promise<void> {
  await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'ledger', DBClusterSnapshotIdentifier: id }));
  if (restore.length > 0)
    await rds.send(new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: restore }));
}

beforeAll(async () => {
  rds = new RDSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
  storeDir = await mkdtemp(join(tmpdir(), 'warden-scan-rds-'));
  opened = await openFindingsStore({ storeDir });
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders',
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
    }),
  );
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'ledger',
      Engine: 'aurora-postgresql',
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
    }),
  );
  // Risks: public, shared outside (one finding per outside account, besides "all").
  await snapshot('orders-public', ['all']);
  await snapshot('orders-partner', [OUTSIDE, TRUSTED]);
  await clusterSnapshot('ledger-public-partner', ['all', OUTSIDE]);
  // Look-alikes: shared with a trusted account only, private.
  await snapshot('orders-trusted', [TRUSTED]);
  await snapshot('orders-private');
  await clusterSnapshot('ledger-private');
}, 60_000);

afterAll(async () => {
  rds?.destroy();
  await opened?.close();
  if (storeDir !== undefined) await rm(storeDir, { recursive: true, force: true });
});

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
      ].sort(),
    );
    expect(report.counts).toEqual({ 'database snapshots': 4, 'database cluster snapshots': 2 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const engine = new DetectionEngine(catalogue, context);
    const events: CloudTrailRecord[] = [
      event('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-public', attributeName: 'restore', valuesToAdd: ['all'] }),
      event('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-partner', attributeName: 'restore', valuesToAdd: [OUTSIDE] }),
      event('ModifyDBClusterSnapshotAttribute', {
        dBClusterSnapshotIdentifier: 'ledger-public-partner',
        attributeName: 'restore',
        valuesToAdd: ['all', OUTSIDE],
      }),
    ];

    const fromEvents = events.flatMap((record) => engine.evaluate(record).detected.map((item) => `${item.ruleId} ${item.findingId}`));
    const fromScan = new Set(report.detected.map((item) => `${item.ruleId} ${item.findingId}`));

    expect(fromEvents).toHaveLength(4);
    expect(fromEvents.filter((id) => !fromScan.has(id))).toEqual([]);
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(4);

    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'orders-public' }));
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: 'ledger-public-partner',
        AttributeName: 'restore',
        ValuesToRemove: [OUTSIDE],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(resolved).toEqual(
      [
        `rds-snapshot-public ${snapshotArn('orders-public')} -`,
        `rds-snapshot-shared-outside ${clusterSnapshotArn('ledger-public-partner')} account/${OUTSIDE}`,
      ].sort(),
    );
    expect(second.written.map((change) => change.outcome)).toEqual(['updated', 'updated']);
  });
});

/** A successful rds call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>): CloudTrailRecord {
  return loggedCall('rds.amazonaws.com', eventName, requestParameters);
}
