import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const rootKey = { accessKeyId: 'AKIAEXAMPLEROOTKEY01', status: 'Active', createDate: 'Nov 20, 2026 10:15:30 AM' };

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'root creates a key for itself (requestParameters null)',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', { userIdentity: exampleIdentities.root, responseElements: { accessKey: rootKey } }),
      expect: { severity: 'critical', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, scope: 'AKIAEXAMPLEROOTKEY01' },
    },
    {
      name: 'root creates a key for itself (empty requestParameters)',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: {},
        responseElements: { accessKey: rootKey },
      }),
      expect: { severity: 'critical' },
    },
    {
      name: 'root switches a deactivated key back on',
      record: exampleEvent('iam.amazonaws.com', 'UpdateAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: { accessKeyId: 'AKIAEXAMPLEROOTKEY01', status: 'Active' },
      }),
      expect: { severity: 'critical', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, scope: 'AKIAEXAMPLEROOTKEY01' },
    },
  ],
  negative: [
    {
      name: 'root creates a key for an IAM user',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: { userName: 'bob' },
        responseElements: { accessKey: { ...rootKey, accessKeyId: 'AKIAEXAMPLEBOBKEY001', userName: 'bob' } },
      }),
    },
    {
      name: 'an IAM user creates a key for itself',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
        responseElements: { accessKey: { ...rootKey, accessKeyId: 'AKIAEXAMPLEALICE0001', userName: 'alice' } },
      }),
    },
    {
      name: 'root deletes its key',
      record: exampleEvent('iam.amazonaws.com', 'DeleteAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: { accessKeyId: 'AKIAEXAMPLEROOTKEY01' },
      }),
    },
  ],
  resolving: [
    {
      name: 'root deletes the key',
      record: exampleEvent('iam.amazonaws.com', 'DeleteAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: { accessKeyId: 'AKIAEXAMPLEROOTKEY01' },
      }),
      removes: [{ resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, scope: 'AKIAEXAMPLEROOTKEY01' }],
    },
    {
      name: 'root deactivates the key',
      record: exampleEvent('iam.amazonaws.com', 'UpdateAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: { accessKeyId: 'AKIAEXAMPLEROOTKEY01', status: 'Inactive' },
      }),
      removes: [{ resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, scope: 'AKIAEXAMPLEROOTKEY01' }],
    },
  ],
};
