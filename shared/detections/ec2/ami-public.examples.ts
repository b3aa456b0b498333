import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, exampleEvent } from '../example-events.js';

const IMAGE = 'ami-011213ff2fc95b6f6';
const imageArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:image/${IMAGE}`;
const modify = (operation: 'add' | 'remove', items: object[] | object) =>
  exampleEvent('ec2.amazonaws.com', 'ModifyImageAttribute', {
    requestParameters: { imageId: IMAGE, attributeType: 'launchPermission', launchPermission: { [operation]: { items } } },
    responseElements: { requestId: 'e9a8b7c6-0000-4000-8000-000000000001', _return: true },
  });

export const examples: DetectionExamples = {
  positive: [
    { name: 'launch permission given to group all', record: modify('add', [{ group: 'all' }]), expect: { severity: 'critical', resource: imageArn } },
    { name: 'group all among accounts', record: modify('add', [{ userId: OUTSIDE_ACCOUNT }, { group: 'all' }]) },
    { name: 'items written as a single object', record: modify('add', { group: 'all' }) },
  ],
  negative: [
    { name: 'shared with one account', record: modify('add', [{ userId: OUTSIDE_ACCOUNT }]) },
    { name: 'public sharing removed', record: modify('remove', [{ group: 'all' }]) },
    {
      name: 'no image id',
      record: exampleEvent('ec2.amazonaws.com', 'ModifyImageAttribute', { requestParameters: { launchPermission: { add: { items: [{ group: 'all' }] } } } }),
    },
    {
      name: 'image described',
      record: exampleEvent('ec2.amazonaws.com', 'DescribeImageAttribute', { requestParameters: { imageId: IMAGE, attribute: 'launchPermission' } }),
    },
  ],
  resolving: [
    { name: 'public sharing removed', record: modify('remove', [{ group: 'all' }]), removes: [{ resource: imageArn }] },
    {
      name: 'launch permissions reset',
      record: exampleEvent('ec2.amazonaws.com', 'ResetImageAttribute', { requestParameters: { imageId: IMAGE, attribute: 'launchPermission' } }),
      removes: [{ resource: imageArn }],
    },
    {
      name: 'AMI deregistered',
      record: exampleEvent('ec2.amazonaws.com', 'DeregisterImage', { requestParameters: { imageId: IMAGE } }),
      removes: [{ resource: imageArn }],
    },
  ],
};
