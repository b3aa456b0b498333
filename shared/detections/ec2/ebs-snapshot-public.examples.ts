import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';

const snapshotArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:snapshot/snap-0a1b2c3d4e5f60718`;
const modify = (operation: 'add' | 'remove', items: object[]) =>
  exampleEvent('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
    requestParameters: { snapshotId: 'snap-0a1b2c3d4e5f60718', attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { [operation]: { items } } },
    responseElements: { requestId: 'b4c5d6e7-0000-4000-8000-000000000001', _return: true },
  });

export const examples: DetectionExamples = {
  positive: [
    { name: 'shared with group all', record: modify('add', [{ group: 'all' }]), expect: { severity: 'critical', resource: snapshotArn } },
    { name: 'shared with an account and with all', record: modify('add', [{ userId: '444455556666' }, { group: 'all' }]) },
  ],
  negative: [
    { name: 'shared with one account', record: modify('add', [{ userId: '444455556666' }]) },
    { name: 'public sharing removed', record: modify('remove', [{ group: 'all' }]) },
    {
      name: 'snapshot described',
      record: exampleEvent('ec2.amazonaws.com', 'DescribeSnapshotAttribute', { requestParameters: { snapshotId: 'snap-0a1b2c3d4e5f60718' } }),
    },
  ],
  resolving: [
    { name: 'public sharing removed', record: modify('remove', [{ group: 'all' }]), removes: [{ resource: snapshotArn }] },
    {
      name: 'permissions reset',
      record: exampleEvent('ec2.amazonaws.com', 'ResetSnapshotAttribute', {
        requestParameters: { snapshotId: 'snap-0a1b2c3d4e5f60718', attribute: 'CREATE_VOLUME_PERMISSION' },
      }),
      removes: [{ resource: snapshotArn }],
    },
    {
      name: 'snapshot deleted',
      record: exampleEvent('ec2.amazonaws.com', 'DeleteSnapshot', { requestParameters: { snapshotId: 'snap-0a1b2c3d4e5f60718' } }),
      removes: [{ resource: snapshotArn }],
    },
  ],
};
