import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const instanceArn = (id: string) => `arn:aws:rds:eu-west-1:${EXAMPLE_ACCOUNT}:db:${id}`;
const clusterArn = (id: string) => `arn:aws:rds:eu-west-1:${EXAMPLE_ACCOUNT}:cluster:${id}`;

/** The DBInstance RDS returns (responseElements of the create, restore and modify calls), trimmed. */
const dbInstance = (id: string, publiclyAccessible: boolean, subnetGroup = 'app-private') => ({
  dBInstanceIdentifier: id,
  dBInstanceClass: 'db.t3.micro',
  engine: 'postgres',
  dBInstanceStatus: 'creating',
  masterUsername: 'app',
  allocatedStorage: 20,
  vpcSecurityGroups: [{ vpcSecurityGroupId: 'sg-0a1b2c3d4e5f60718', status: 'active' }],
  dBSubnetGroup: { dBSubnetGroupName: subnetGroup, vpcId: 'vpc-0a1b2c3d4e5f60718', subnetGroupStatus: 'Complete' },
  pendingModifiedValues: { masterUserPassword: '****' },
  multiAZ: false,
  publiclyAccessible,
  storageEncrypted: true,
  dbiResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY2',
  dBInstanceArn: instanceArn(id),
  deletionProtection: false,
});

const createInstance = (requested: boolean | undefined, resulting: boolean, subnetGroup?: string) =>
  exampleEvent('rds.amazonaws.com', 'CreateDBInstance', {
    requestParameters: {
      dBInstanceIdentifier: 'orders-db',
      allocatedStorage: 20,
      dBInstanceClass: 'db.t3.micro',
      engine: 'postgres',
      masterUsername: 'app',
      masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      ...(subnetGroup === undefined ? {} : { dBSubnetGroupName: subnetGroup }),
      storageEncrypted: true,
      ...(requested === undefined ? {} : { publiclyAccessible: requested }),
    },
    responseElements: dbInstance('orders-db', resulting, subnetGroup ?? 'default'),
  });

const modifyInstance = (id: string, requestParameters: object, publiclyAccessible: boolean) =>
  exampleEvent('rds.amazonaws.com', 'ModifyDBInstance', {
    requestParameters: { dBInstanceIdentifier: id, ...requestParameters },
    responseElements: { ...dbInstance(id.toLowerCase(), publiclyAccessible), dBInstanceStatus: 'modifying' },
  });

/** A Multi-AZ DB cluster (not Aurora): the only kind whose public access is set on the cluster. */
const dbCluster = (id: string, publiclyAccessible: boolean | undefined, engine = 'postgres') => ({
  dBClusterIdentifier: id,
  dBClusterArn: clusterArn(id),
  engine,
  status: 'creating',
  ...(engine === 'postgres' ? { multiAZ: true, dBClusterInstanceClass: 'db.m6gd.large' } : { multiAZ: false }),
  ...(publiclyAccessible === undefined ? {} : { publiclyAccessible }),
});

const modifyCluster = (publiclyAccessible: boolean) =>
  exampleEvent('rds.amazonaws.com', 'ModifyDBCluster', {
    requestParameters: { dBClusterIdentifier: 'analytics', publiclyAccessible, applyImmediately: true },
    responseElements: { ...dbCluster('analytics', publiclyAccessible), status: 'modifying' },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'instance created publicly accessible',
      record: createInstance(true, true, 'app-public'),
      expect: { severity: 'high', resource: instanceArn('orders-db') },
    },
    {
      name: 'instance created public by default (no setting, default subnet group)',
      record: createInstance(undefined, true),
      expect: { resource: instanceArn('orders-db') },
    },
    {
      name: 'instance made public, named in mixed case',
      record: modifyInstance('Orders-DB', { publiclyAccessible: true, applyImmediately: false }, true),
      expect: { severity: 'high', resource: instanceArn('orders-db') },
    },
    {
      name: 'snapshot restored into a public instance',
      record: exampleEvent('rds.amazonaws.com', 'RestoreDBInstanceFromDBSnapshot', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { dBInstanceIdentifier: 'orders-db-copy', dBSnapshotIdentifier: 'orders-db-2026-11-19', publiclyAccessible: true },
        responseElements: dbInstance('orders-db-copy', true),
      }),
      expect: { resource: instanceArn('orders-db-copy') },
    },
    {
      name: 'point-in-time restore into a public instance',
      record: exampleEvent('rds.amazonaws.com', 'RestoreDBInstanceToPointInTime', {
        requestParameters: {
          sourceDBInstanceIdentifier: 'orders-db',
          targetDBInstanceIdentifier: 'orders-db-pitr',
          useLatestRestorableTime: true,
          publiclyAccessible: true,
        },
        responseElements: dbInstance('orders-db-pitr', true),
      }),
      expect: { resource: instanceArn('orders-db-pitr') },
    },
    {
      name: 'public read replica',
      record: exampleEvent('rds.amazonaws.com', 'CreateDBInstanceReadReplica', {
        requestParameters: { dBInstanceIdentifier: 'orders-db-replica', sourceDBInstanceIdentifier: 'orders-db', publiclyAccessible: true },
        responseElements: dbInstance('orders-db-replica', true),
      }),
      expect: { resource: instanceArn('orders-db-replica') },
    },
    {
      name: 'Multi-AZ DB cluster created publicly accessible',
      record: exampleEvent('rds.amazonaws.com', 'CreateDBCluster', {
        requestParameters: {
          dBClusterIdentifier: 'analytics',
          engine: 'postgres',
          dBClusterInstanceClass: 'db.m6gd.large',
          storageType: 'io1',
          allocatedStorage: 100,
          iops: 1000,
          masterUsername: 'app',
          masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          publiclyAccessible: true,
        },
        responseElements: dbCluster('analytics', true),
      }),
      expect: { severity: 'high', resource: clusterArn('analytics') },
    },
    { name: 'Multi-AZ DB cluster made public', record: modifyCluster(true), expect: { resource: clusterArn('analytics') } },
  ],
  negative: [
    { name: 'instance created private', record: createInstance(false, false, 'app-private') },
    { name: 'instance created private by default (no setting, VPC without internet gateway)', record: createInstance(undefined, false, 'app-private') },
    {
      name: 'instance resized, public access untouched',
      record: modifyInstance('orders-db', { dBInstanceClass: 'db.t3.small', applyImmediately: true }, true),
    },
    { name: 'public access turned off', record: modifyInstance('orders-db', { publiclyAccessible: false, applyImmediately: true }, false) },
    {
      name: 'Aurora cluster created (public access is set on its instances)',
      record: exampleEvent('rds.amazonaws.com', 'CreateDBCluster', {
        requestParameters: {
          dBClusterIdentifier: 'ledger',
          engine: 'aurora-postgresql',
          masterUsername: 'app',
          masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
        },
        responseElements: dbCluster('ledger', undefined, 'aurora-postgresql'),
      }),
    },
    {
      name: 'instance deleted',
      record: exampleEvent('rds.amazonaws.com', 'DeleteDBInstance', { requestParameters: { dBInstanceIdentifier: 'orders-db', skipFinalSnapshot: true } }),
    },
  ],
  resolving: [
    {
      name: 'public access turned off, named in mixed case',
      record: modifyInstance('Orders-DB', { publiclyAccessible: false, applyImmediately: true }, false),
      removes: [{ resource: instanceArn('orders-db') }],
    },
    {
      name: 'instance deleted',
      record: exampleEvent('rds.amazonaws.com', 'DeleteDBInstance', {
        requestParameters: { dBInstanceIdentifier: 'orders-db', skipFinalSnapshot: false, finalDBSnapshotIdentifier: 'orders-db-final' },
        responseElements: { ...dbInstance('orders-db', true), dBInstanceStatus: 'deleting' },
      }),
      removes: [{ resource: instanceArn('orders-db') }],
    },
    { name: 'cluster public access turned off', record: modifyCluster(false), removes: [{ resource: clusterArn('analytics') }] },
    {
      name: 'cluster deleted',
      record: exampleEvent('rds.amazonaws.com', 'DeleteDBCluster', {
        requestParameters: { dBClusterIdentifier: 'analytics', skipFinalSnapshot: true },
        responseElements: { ...dbCluster('analytics', true), status: 'deleting' },
      }),
      removes: [{ resource: clusterArn('analytics') }],
    },
  ],
};
