import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_PARTNER_ACCOUNT, exampleEvent } from '../example-events.js';

const snapshotArn = `arn:aws:rds:eu-west-1:${EXAMPLE_ACCOUNT}:snapshot:orders-2026-11-20`;
const clusterSnapshotArn = `arn:aws:rds:eu-west-1:${EXAMPLE_ACCOUNT}:cluster-snapshot:orders-cluster-snap`;
const ANOTHER_OUTSIDER = '123412341234';
const rds = (eventName: string, requestParameters: object) => exampleEvent('rds.amazonaws.com', eventName, { requestParameters });
const restore = (list: 'valuesToAdd' | 'valuesToRemove', values: string[] | string) =>
  rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-2026-11-20', attributeName: 'restore', [list]: values });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'DB snapshot restorable by an outside account',
      record: restore('valuesToAdd', [OUTSIDE_ACCOUNT]),
      expect: { severity: 'high', resource: snapshotArn, scope: `account/${OUTSIDE_ACCOUNT}` },
    },
    {
      name: 'Aurora cluster snapshot restorable by an outside account',
      record: rds('ModifyDBClusterSnapshotAttribute', {
        dBClusterSnapshotIdentifier: 'orders-cluster-snap',
        attributeName: 'restore',
        valuesToAdd: [OUTSIDE_ACCOUNT],
      }),
      expect: { resource: clusterSnapshotArn, scope: `account/${OUTSIDE_ACCOUNT}` },
    },
    {
      name: 'two outside accounts and a trusted one: one finding per outsider',
      record: restore('valuesToAdd', [OUTSIDE_ACCOUNT, TRUSTED_PARTNER_ACCOUNT, ANOTHER_OUTSIDER]),
      matches: 2,
    },
    { name: 'a single value instead of a list', record: restore('valuesToAdd', OUTSIDE_ACCOUNT), expect: { scope: `account/${OUTSIDE_ACCOUNT}` } },
    {
      name: 'snapshot named by its ARN',
      record: rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: snapshotArn, attributeName: 'restore', valuesToAdd: [OUTSIDE_ACCOUNT] }),
      expect: { resource: snapshotArn },
    },
  ],
  negative: [
    { name: 'restorable by a trusted partner account', record: restore('valuesToAdd', [TRUSTED_PARTNER_ACCOUNT]) },
    { name: 'made public (rds-snapshot-public raises that)', record: restore('valuesToAdd', ['all']) },
    { name: 'an outside account removed', record: restore('valuesToRemove', [OUTSIDE_ACCOUNT]) },
    {
      name: 'another attribute',
      record: rds('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders-2026-11-20', attributeName: 'other', valuesToAdd: [OUTSIDE_ACCOUNT] }),
    },
    { name: 'snapshot created', record: rds('CreateDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-11-20', dBInstanceIdentifier: 'orders' }) },
  ],
  resolving: [
    {
      name: 'the outside account removed',
      record: restore('valuesToRemove', [OUTSIDE_ACCOUNT]),
      removes: [{ resource: snapshotArn, scope: `account/${OUTSIDE_ACCOUNT}` }],
    },
    { name: 'removing "all" keeps the accounts added by id', record: restore('valuesToRemove', ['all']), removes: [] },
    { name: 'snapshot deleted', record: rds('DeleteDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-11-20' }), removes: [{ resource: snapshotArn }] },
    {
      name: 'cluster snapshot deleted',
      record: rds('DeleteDBClusterSnapshot', { dBClusterSnapshotIdentifier: 'orders-cluster-snap' }),
      removes: [{ resource: clusterSnapshotArn }],
    },
  ],
};
