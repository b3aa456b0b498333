import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_PARTNER_ACCOUNT, exampleEvent } from '../example-events.js';

const IMAGE = 'ami-0b87ea1d007078d18';
const imageArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:image/${IMAGE}`;
const ANOTHER_OUTSIDER = '123412341234';
const modify = (operation: 'add' | 'remove', items: object[]) =>
  exampleEvent('ec2.amazonaws.com', 'ModifyImageAttribute', {
    requestParameters: { imageId: IMAGE, attributeType: 'launchPermission', launchPermission: { [operation]: { items } } },
    responseElements: { requestId: 'd8f7f205-0000-4000-8000-000000000001', _return: true },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'shared with an outside account',
      record: modify('add', [{ userId: OUTSIDE_ACCOUNT }]),
      expect: { severity: 'high', resource: imageArn, scope: `account/${OUTSIDE_ACCOUNT}` },
    },
    {
      name: 'shared with two outside accounts: one finding each',
      record: modify('add', [{ userId: ANOTHER_OUTSIDER }, { userId: OUTSIDE_ACCOUNT }]),
      matches: 2,
    },
    {
      name: 'shared with everyone and an outsider: the outsider here (ami-public raises the rest)',
      record: modify('add', [{ group: 'all' }, { userId: OUTSIDE_ACCOUNT }]),
      expect: { scope: `account/${OUTSIDE_ACCOUNT}` },
    },
  ],
  negative: [
    { name: 'shared with a trusted partner account', record: modify('add', [{ userId: TRUSTED_PARTNER_ACCOUNT }]) },
    { name: 'made public only', record: modify('add', [{ group: 'all' }]) },
    { name: 'an outside account removed', record: modify('remove', [{ userId: OUTSIDE_ACCOUNT }]) },
    {
      name: 'the description changed',
      record: exampleEvent('ec2.amazonaws.com', 'ModifyImageAttribute', {
        requestParameters: { imageId: IMAGE, attributeType: 'description', description: { value: 'base image' } },
      }),
    },
  ],
  resolving: [
    {
      name: 'the outside account removed',
      record: modify('remove', [{ userId: OUTSIDE_ACCOUNT }]),
      removes: [{ resource: imageArn, scope: `account/${OUTSIDE_ACCOUNT}` }],
    },
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
