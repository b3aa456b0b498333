import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  RDSClient,
  type DBClusterSnapshotAttribute,
  type DBSnapshotAttribute,
} from '@aws-sdk/client-rds';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
import type { EquivalentChange, ReadTarget, StateReader, StateSink } from '../reader.js';

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
  for await (const page of paginateDescribeDBSnapshots({ client, pageSize: PAGE_SIZE }, { SnapshotType: 'manual' })) {
    const ids = (page.DBSnapshots ?? []).flatMap((snapshot) => snapshot.DBSnapshotIdentifier ?? []);
    await mapBounded(ids, target.concurrency, (id) =>
      readResource(sink, `arn:${target.partition}:rds:${target.region}:${target.account}:snapshot:${id}`, async () => {
        const { DBSnapshotAttributesResult: result } = await client.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }));
        return restoreChange('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: id }, result?.DBSnapshotAttributes);
      }),
    );
    sink.progress('database snapshots', ids.length);
  }
}

async function readClusterSnapshots(client: RDSClient, target: ReadTarget, sink: StateSink): Promise<void> {
  for await (const page of paginateDescribeDBClusterSnapshots({ client, pageSize: PAGE_SIZE }, { SnapshotType: 'manual' })) {
    const ids = (page.DBClusterSnapshots ?? []).flatMap((snapshot) => snapshot.DBClusterSnapshotIdentifier ?? []);
    await mapBounded(ids, target.concurrency, (id) =>
      readResource(sink, `arn:${target.partition}:rds:${target.region}:${target.account}:cluster-snapshot:${id}`, async () => {
        const { DBClusterSnapshotAttributesResult: result } = await client.send(
          new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id }),
        );
        return restoreChange('ModifyDBClusterSnapshotAttribute', { dBClusterSnapshotIdentifier: id }, result?.DBClusterSnapshotAttributes);
      }),
    );
    sink.progress('database cluster snapshots', ids.length);
  }
}

async function readPublicInstances(client: RDSClient, sink: StateSink): Promise<void> {
  for await (const page of paginateDescribeDBInstances({ client, pageSize: PAGE_SIZE }, {})) {
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
  }
}

async function readPublicClusters(client: RDSClient, sink: StateSink): Promise<void> {
  for await (const page of paginateDescribeDBClusters({ client, pageSize: PAGE_SIZE }, {})) {
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
  }
}

/**
 * One snapshot's `restore` attribute: its values (account ids, or "all") as the change that would add
 * them, the request naming the snapshot by `parameters` (its identifier, as the rules build the same
 * ARN from it); none presents nothing.
 */
function restoreChange(
  eventName: string,
  parameters: Record<string, string>,
  attributes: readonly (DBSnapshotAttribute | DBClusterSnapshotAttribute)[] | undefined,
): EquivalentChange | undefined {
  const values = (attributes ?? []).filter((attribute) => attribute.AttributeName === 'restore').flatMap((attribute) => attribute.AttributeValues ?? []);
  if (values.length === 0) return undefined;
  return { eventSource: RDS, eventName, requestParameters: { ...parameters, attributeName: 'restore', valuesToAdd: values } };
}
