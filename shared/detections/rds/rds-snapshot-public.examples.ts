import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';

const snapshotArn = `arn:aws:rds:eu-west-1:${EXAMPLE_ACCOUNT}:snapshot:orders-2026-11-20`;
const rds = (eventName: string, requestParameters: object) => exampleEvent('rds.amazonaws.com', eventName, { requestParameters });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'DB snapshot restorable by all',
      record: rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-2026-11-20', attributeName: 'restore', valuesToAdd: ['all'] }),
      expect: { severity: 'critical', resource: snapshotArn },
    },
    {
      name: 'Aurora cluster snapshot restorable by all',
      record: rds('ModifyDBClusterSnapshotAttribute', { dBClusterSnapshotIdentifier: 'orders-cluster-snap', attributeName: 'restore', valuesToAdd: ['all'] }),
      expect: { resource: `arn:aws:rds:eu-west-1:${EXAMPLE_ACCOUNT}:cluster-snapshot:orders-cluster-snap` },
    },
  ],
  negative: [
    {
      name: 'shared with one account',
      record: rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-2026-11-20', attributeName: 'restore', valuesToAdd: ['444455556666'] }),
    },
    {
      name: 'public sharing removed',
      record: rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-2026-11-20', attributeName: 'restore', valuesToRemove: ['all'] }),
    },
    { name: 'snapshot created', record: rds('CreateDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-11-20', dBInstanceIdentifier: 'orders' }) },
  ],
  resolving: [
    {
      name: 'public sharing removed',
      record: rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-2026-11-20', attributeName: 'restore', valuesToRemove: ['all'] }),
      removes: [{ resource: snapshotArn }],
    },
    { name: 'snapshot deleted', record: rds('DeleteDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-11-20' }), removes: [{ resource: snapshotArn }] },
  ],
};
