import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  type DBClusterSnapshotAttribute,
  type DBSnapshotAttribute,
} from '@aws-sdk/client-rds';
import { mapBounded } from '../concurrency.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const RDS = 'rds.amazonaws.com';

/** The largest page the Describe calls return (RDS API reference: MaxRecords 20 to 100). */
const PAGE_SIZE = 100;

/**
 * RDS in one region. Who may restore the account's manual database snapshots (RDS and Aurora cluster
 * snapshots): each one's `restore` attribute as the ModifyDBSnapshotAttribute or
 * ModifyDBClusterSnapshotAttribute that would add its values (rds-snapshot-public for "all",
 * rds-snapshot-shared-outside for each account). Automated snapshots cannot be shared, so only manual
 * ones are listed; one attribute call each.
 *
 * And which databases are publicly accessible (rds-instance-public): each such DB instance as the
 * ModifyDBInstance, each such DB cluster as the ModifyDBCluster, that would turn the setting on. The
 * DB instances of a Multi-AZ DB cluster are left to their cluster, the only place their setting can
 * be changed (RDS user guide, "Modifying a Multi-AZ DB cluster"); an Aurora cluster's instances carry
 * their own. Both lists say it, with no call per database.
 */
export const rdsReader: StateReader = {
  id: 'rds',
  reach: 'regional',
  ruleIds: ['rds-snapshot-public', 'rds-snapshot-shared-outside', 'rds-instance-public'],
  permissions: [
    'rds:DescribeDBSnapshots',
    'rds:DescribeDBSnapshotAttributes',
    'rds:DescribeDBClusterSnapshots',
    'rds:DescribeDBClusterSnapshotAttributes',
    'rds:DescribeDBInstances',
    'rds:DescribeDBClusters',
  ],

  async read(target, sink) {
    const client = new RDSClient(target.clientConfig);
    try {
      await readInstanceSnapshots(client, target, sink);
      await readClusterSnapshots(client, target, sink);
      await readPublicInstances(client, sink);
      await readPublicClusters(client, sink);
    } finally {
      client.destroy();
    }
  },
};

async function readInstanceSnapshots(client: RDSClient, target: ReadTarget, sink: StateSink): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await client.send(
      new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', MaxRecords: PAGE_SIZE, ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    const ids = (page.DBSnapshots ?? []).flatMap((snapshot) => snapshot.DBSnapshotIdentifier ?? []);
    await mapBounded(ids, target.concurrency, (id) =>
      readRestore(sink, `arn:${target.partition}:rds:${target.region}:${target.account}:snapshot:${id}`, async () => {
        const { DBSnapshotAttributesResult: result } = await client.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }));
        return { eventName: 'ModifyDBSnapshotAttribute', parameters: { dBSnapshotIdentifier: id }, attributes: result?.DBSnapshotAttributes };
      }),
    );
    sink.progress('database snapshots', ids.length);
    marker = page.Marker;
  } while (marker !== undefined);
}

async function readClusterSnapshots(client: RDSClient, target: ReadTarget, sink: StateSink): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await client.send(
      new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual', MaxRecords: PAGE_SIZE, ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    const ids = (page.DBClusterSnapshots ?? []).flatMap((snapshot) => snapshot.DBClusterSnapshotIdentifier ?? []);
    await mapBounded(ids, target.concurrency, (id) =>
      readRestore(sink, `arn:${target.partition}:rds:${target.region}:${target.account}:cluster-snapshot:${id}`, async () => {
        const { DBClusterSnapshotAttributesResult: result } = await client.send(
          new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id }),
        );
        return {
          eventName: 'ModifyDBClusterSnapshotAttribute',
          parameters: { dBClusterSnapshotIdentifier: id },
          attributes: result?.DBClusterSnapshotAttributes,
        };
      }),
    );
    sink.progress('database cluster snapshots', ids.length);
    marker = page.Marker;
  } while (marker !== undefined);
}

async function readPublicInstances(client: RDSClient, sink: StateSink): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await client.send(new DescribeDBInstancesCommand({ MaxRecords: PAGE_SIZE, ...(marker === undefined ? {} : { Marker: marker }) }));
    const instances = page.DBInstances ?? [];
    for (const instance of instances) {
      const inMultiAzCluster = instance.DBClusterIdentifier !== undefined && instance.Engine?.startsWith('aurora') !== true;
      if (instance.PubliclyAccessible !== true || instance.DBInstanceIdentifier === undefined || inMultiAzCluster) continue;
      sink.observe({
        eventSource: RDS,
        eventName: 'ModifyDBInstance',
        requestParameters: { dBInstanceIdentifier: instance.DBInstanceIdentifier, publiclyAccessible: true },
      });
    }
    sink.progress('database instances', instances.length);
    marker = page.Marker;
  } while (marker !== undefined);
}

async function readPublicClusters(client: RDSClient, sink: StateSink): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await client.send(new DescribeDBClustersCommand({ MaxRecords: PAGE_SIZE, ...(marker === undefined ? {} : { Marker: marker }) }));
    const clusters = page.DBClusters ?? [];
    for (const cluster of clusters) {
      if (cluster.PubliclyAccessible !== true || cluster.DBClusterIdentifier === undefined) continue;
      sink.observe({
        eventSource: RDS,
        eventName: 'ModifyDBCluster',
        requestParameters: { dBClusterIdentifier: cluster.DBClusterIdentifier, publiclyAccessible: true },
      });
    }
    sink.progress('database clusters', clusters.length);
    marker = page.Marker;
  } while (marker !== undefined);
}

interface SnapshotAttributes {
  readonly eventName: string;
  /** How the request names the snapshot (its identifier, as the rules build the same ARN from it). */
  readonly parameters: Record<string, string>;
  readonly attributes: readonly (DBSnapshotAttribute | DBClusterSnapshotAttribute)[] | undefined;
}

/**
 * One snapshot's attribute call: the values of `restore` (account ids, or "all") as the change that
 * would add them; none presents nothing. A failure (deleted meanwhile, denied) leaves that snapshot
 * unread and the read goes on.
 */
async function readRestore(sink: StateSink, resource: string, read: () => Promise<SnapshotAttributes>): Promise<void> {
  let snapshot: SnapshotAttributes;
  try {
    snapshot = await read();
  } catch (error) {
    sink.unread({ resource, reason: error instanceof Error ? error.name : 'Error' });
    return;
  }
  const values = (snapshot.attributes ?? [])
    .filter((attribute) => attribute.AttributeName === 'restore')
    .flatMap((attribute) => attribute.AttributeValues ?? []);
  if (values.length === 0) return;
  sink.observe({
    eventSource: RDS,
    eventName: snapshot.eventName,
    requestParameters: { ...snapshot.parameters, attributeName: 'restore', valuesToAdd: values },
  });
}
