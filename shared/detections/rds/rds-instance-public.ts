import { accountOf, actorOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** Calls that create a DB instance or a Multi-AZ DB cluster: their response tells whether it came out public. */
const CREATE_INSTANCE = [
  'CreateDBInstance',
  'CreateDBInstanceReadReplica',
  'RestoreDBInstanceFromDBSnapshot',
  'RestoreDBInstanceToPointInTime',
  'RestoreDBInstanceFromS3',
];
const CREATE_CLUSTER = ['CreateDBCluster', 'RestoreDBClusterFromSnapshot', 'RestoreDBClusterToPointInTime'];
const CLUSTER_EVENTS = [...CREATE_CLUSTER, 'ModifyDBCluster', 'DeleteDBCluster'];

interface Database {
  readonly kind: 'DB instance' | 'DB cluster';
  readonly id: string;
  readonly arn: string;
}

/**
 * The instance or cluster the call is about: the one it creates (targetDBInstanceIdentifier for a
 * point-in-time restore), or the one it changes or deletes. RDS stores identifiers in lowercase,
 * so the ARN is built from the lowercased name whatever case the request used.
 */
function databaseOf(record: CloudTrailRecord): Database | undefined {
  const cluster = CLUSTER_EVENTS.includes(record.eventName);
  const given = cluster
    ? stringField(record, 'requestParameters', 'dBClusterIdentifier')
    : (stringField(record, 'requestParameters', 'targetDBInstanceIdentifier') ?? stringField(record, 'requestParameters', 'dBInstanceIdentifier'));
  if (given === undefined || given === '') return undefined;
  const kind = cluster ? 'DB cluster' : 'DB instance';
  if (given.startsWith('arn:')) return { kind, id: given.slice(given.lastIndexOf(':') + 1), arn: given };
  const id = given.toLowerCase();
  return { kind, id, arn: `arn:${partitionOf(record)}:rds:${regionOf(record)}:${accountOf(record)}:${cluster ? 'cluster' : 'db'}:${id}` };
}

function booleanOf(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/**
 * Whether the call leaves the database publicly accessible. A Modify changes it only when the
 * request sets it (the change applies at once, whatever ApplyImmediately says). A create or restore
 * that does not set it can still come out public (the default depends on the subnet group and on
 * the VPC having an internet gateway), so the response's value, the resulting state, comes first.
 */
function publiclyAccessible(record: CloudTrailRecord): { value: boolean | undefined; requested: boolean | undefined } {
  const requested = booleanOf(field(record, 'requestParameters', 'publiclyAccessible'));
  if (record.eventName.startsWith('Modify')) return { value: requested, requested };
  return { value: booleanOf(field(record, 'responseElements', 'publiclyAccessible')) ?? requested, requested };
}

export const rdsInstancePublic: Detection = {
  id: 'rds-instance-public',
  title: 'RDS database made publicly accessible',
  severity: 'high',
  description:
    'An RDS DB instance or Multi-AZ DB cluster was created, restored or modified with PubliclyAccessible on: its endpoint now ' +
    'resolves to a public IP address, so anyone on the internet can try the database login wherever its security groups allow. ' +
    'Being reachable also needs a subnet with a route to an internet gateway and a security group that lets the source in; the ' +
    'rule flags the setting itself, the switch that makes a later open security group rule or a public subnet expose the data. ' +
    'A create or restore that leaves the setting out is judged by the value in its response, since RDS may make the database ' +
    'public by default. Aurora sets public access per DB instance, so Aurora clusters are caught through their instances. Not ' +
    'caught: databases made public before iam-warden ran, and a create whose record carries neither the setting nor a response.',
  remediation:
    'Turn it off unless the database must be reached from the internet: `aws rds modify-db-instance --db-instance-identifier DB ' +
    '--no-publicly-accessible --apply-immediately` (a Multi-AZ DB cluster: `aws rds modify-db-cluster --db-cluster-identifier ' +
    'CLUSTER --no-publicly-accessible --apply-immediately`). Reach it from inside the VPC instead (a bastion, a VPN, Session ' +
    'Manager port forwarding), check that its security groups admit only known sources, and review the database logs for logins ' +
    'from unknown addresses while it was public.',
  references: {
    cis: ['2.3.3'],
    securityHub: ['RDS.2'],
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html'],
  },
  scoped: false,
  events: [
    {
      eventSource: 'rds.amazonaws.com',
      eventNames: [...CREATE_INSTANCE, 'ModifyDBInstance', 'DeleteDBInstance', ...CREATE_CLUSTER, 'ModifyDBCluster', 'DeleteDBCluster'],
    },
  ],

  evaluate(record) {
    if (record.eventName.startsWith('Delete')) return undefined;
    const database = databaseOf(record);
    const { value, requested } = publiclyAccessible(record);
    if (database === undefined || value !== true) return undefined;
    const verb = record.eventName.startsWith('Modify') ? 'made' : record.eventName.startsWith('Restore') ? 'restored' : 'created';
    const how = record.eventName.startsWith('Modify')
      ? 'publicly accessible'
      : requested === true
        ? 'as publicly accessible'
        : 'publicly accessible by default';
    return {
      severity: 'high',
      resource: database.arn,
      summary: `${actorOf(record).arn} ${verb} RDS ${database.kind} ${database.id} ${how}, giving its endpoint a public address; turn the setting off unless it must face the internet.`,
      details: {
        [database.kind === 'DB instance' ? 'dbInstanceIdentifier' : 'dbClusterIdentifier']: database.id,
        publiclyAccessible: true,
        setByRequest: requested === true,
      },
    };
  },

  resolves(record) {
    const database = databaseOf(record);
    if (database === undefined) return [];
    if (record.eventName.startsWith('Delete')) return [{ resource: database.arn, reason: `${database.kind} deleted` }];
    if (record.eventName.startsWith('Modify') && publiclyAccessible(record).value === false) {
      return [{ resource: database.arn, reason: 'public accessibility turned off' }];
    }
    return [];
  },
};
