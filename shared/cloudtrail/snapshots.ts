import { partitionOf } from './arn.js';
import { accountOf, regionOf, stringField, type CloudTrailRecord } from './record.js';

/** A snapshot a request names: its id, its ARN (the same for every rule, so their findings meet) and how a person names it. */
export interface Snapshot {
  readonly id: string;
  readonly arn: string;
  readonly label: string;
}

/** The EBS snapshot of ModifySnapshotAttribute, ResetSnapshotAttribute, DeleteSnapshot (`snapshotId`). */
export function ebsSnapshotOf(record: CloudTrailRecord): Snapshot | undefined {
  const id = stringField(record, 'requestParameters', 'snapshotId');
  if (id === undefined || id === '') return undefined;
  return { id, arn: `arn:${partitionOf(record)}:ec2:${regionOf(record)}:${accountOf(record)}:snapshot/${id}`, label: `EBS snapshot ${id}` };
}

/** The DB snapshot or DB cluster snapshot of the RDS snapshot calls, named by identifier or ARN. */
export function rdsSnapshotOf(record: CloudTrailRecord): Snapshot | undefined {
  const instance = stringField(record, 'requestParameters', 'dBSnapshotIdentifier');
  const cluster = stringField(record, 'requestParameters', 'dBClusterSnapshotIdentifier');
  const id = instance ?? cluster;
  if (id === undefined || id === '') return undefined;
  const label = `${instance !== undefined ? 'database snapshot' : 'database cluster snapshot'} ${id}`;
  if (id.startsWith('arn:')) return { id, arn: id, label };
  const kind = instance !== undefined ? 'snapshot' : 'cluster-snapshot';
  return { id, arn: `arn:${partitionOf(record)}:rds:${regionOf(record)}:${accountOf(record)}:${kind}:${id}`, label };
}
