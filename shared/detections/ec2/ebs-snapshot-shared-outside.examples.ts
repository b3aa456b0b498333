import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_PARTNER_ACCOUNT, exampleEvent } from '../example-events.js';
import { ONLY_OWN_ACCOUNT } from '../../policy/boundary.js';

const SNAPSHOT = 'snap-01b3f7d87a02559a1';
const snapshotArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:snapshot/${SNAPSHOT}`;
const ANOTHER_OUTSIDER = '123412341234';
const modify = (operation: 'add' | 'remove', items: object[] | object) =>
  exampleEvent('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
    requestParameters: { snapshotId: SNAPSHOT, attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { [operation]: { items } } },
    responseElements: { requestId: 'c1d2e3f4-0000-4000-8000-000000000001', _return: true },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'shared with an outside account',
      record: modify('add', [{ userId: OUTSIDE_ACCOUNT }]),
      expect: { severity: 'high', resource: snapshotArn, scope: `account/${OUTSIDE_ACCOUNT}` },
    },
    {
      name: 'shared with two outside accounts: one finding each',
      record: modify('add', [{ userId: OUTSIDE_ACCOUNT }, { userId: ANOTHER_OUTSIDER }]),
      matches: 2,
      expect: { scope: `account/${OUTSIDE_ACCOUNT}` },
    },
    {
      name: 'shared with a trusted partner and an outsider: only the outsider',
      record: modify('add', [{ userId: TRUSTED_PARTNER_ACCOUNT }, { userId: OUTSIDE_ACCOUNT }]),
      expect: { scope: `account/${OUTSIDE_ACCOUNT}` },
    },
    { name: 'items written as a single object', record: modify('add', { userId: OUTSIDE_ACCOUNT }), expect: { scope: `account/${OUTSIDE_ACCOUNT}` } },
    {
      name: 'the partner account when no account is trusted',
      record: modify('add', [{ userId: TRUSTED_PARTNER_ACCOUNT }]),
      context: { boundary: ONLY_OWN_ACCOUNT },
      expect: { scope: `account/${TRUSTED_PARTNER_ACCOUNT}` },
    },
  ],
  negative: [
    { name: 'shared with a trusted partner account', record: modify('add', [{ userId: TRUSTED_PARTNER_ACCOUNT }]) },
    { name: 'shared with the own account', record: modify('add', [{ userId: EXAMPLE_ACCOUNT }]) },
    { name: 'made public (ebs-snapshot-public raises that)', record: modify('add', [{ group: 'all' }]) },
    { name: 'an outside account removed', record: modify('remove', [{ userId: OUTSIDE_ACCOUNT }]) },
    { name: 'a user id that is not an account id', record: modify('add', [{ userId: 'not-an-account' }]) },
    {
      name: 'no snapshot id',
      record: exampleEvent('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
        requestParameters: { createVolumePermission: { add: { items: [{ userId: OUTSIDE_ACCOUNT }] } } },
      }),
    },
    {
      name: 'permissions described',
      record: exampleEvent('ec2.amazonaws.com', 'DescribeSnapshotAttribute', {
        requestParameters: { snapshotId: SNAPSHOT, attribute: 'createVolumePermission' },
      }),
    },
  ],
  resolving: [
    {
      name: 'the outside account removed',
      record: modify('remove', [{ userId: OUTSIDE_ACCOUNT }]),
      removes: [{ resource: snapshotArn, scope: `account/${OUTSIDE_ACCOUNT}` }],
    },
    {
      name: 'two accounts removed at once',
      record: modify('remove', [{ userId: OUTSIDE_ACCOUNT }, { userId: ANOTHER_OUTSIDER }]),
      removes: [
        { resource: snapshotArn, scope: `account/${OUTSIDE_ACCOUNT}` },
        { resource: snapshotArn, scope: `account/${ANOTHER_OUTSIDER}` },
      ],
    },
    {
      name: 'a trusted account removed closes its finding too (opened before the account was trusted)',
      record: modify('remove', [{ userId: TRUSTED_PARTNER_ACCOUNT }]),
      removes: [{ resource: snapshotArn, scope: `account/${TRUSTED_PARTNER_ACCOUNT}` }],
    },
    {
      name: 'permissions reset to private',
      record: exampleEvent('ec2.amazonaws.com', 'ResetSnapshotAttribute', {
        requestParameters: { snapshotId: SNAPSHOT, attribute: 'CREATE_VOLUME_PERMISSION' },
      }),
      removes: [{ resource: snapshotArn }],
    },
    {
      name: 'snapshot deleted',
      record: exampleEvent('ec2.amazonaws.com', 'DeleteSnapshot', { requestParameters: { snapshotId: SNAPSHOT } }),
      removes: [{ resource: snapshotArn }],
    },
  ],
};
