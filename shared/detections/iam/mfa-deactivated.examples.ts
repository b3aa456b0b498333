import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const bobArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob`;
const bobDevice = `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/bob-phone`;

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'an admin deactivates another user’s device',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', { requestParameters: { userName: 'bob', serialNumber: bobDevice } }),
      expect: { severity: 'high', resource: bobArn },
    },
    {
      name: 'the root user deactivates its own device',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', {
        userIdentity: exampleIdentities.root,
        requestParameters: { serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device` },
      }),
      expect: { severity: 'critical', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
    },
    {
      name: 'a role deletes a user’s virtual device',
      record: exampleEvent('iam.amazonaws.com', 'DeleteVirtualMFADevice', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { serialNumber: bobDevice },
      }),
      expect: { severity: 'high', resource: bobDevice },
    },
    {
      name: 'the root virtual device is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteVirtualMFADevice', {
        requestParameters: { serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device` },
      }),
      expect: { severity: 'critical' },
    },
    {
      name: 'the root user deactivates its device, named "AWS ROOT USER" as CloudTrail records it',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', {
        userIdentity: exampleIdentities.root,
        requestParameters: { userName: 'AWS ROOT USER', serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-phone` },
      }),
      expect: { severity: 'critical', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
    },
  ],
  negative: [
    {
      name: 'a user enables a device',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', { requestParameters: { userName: 'bob', serialNumber: bobDevice } }),
    },
    {
      name: 'a device is created',
      record: exampleEvent('iam.amazonaws.com', 'CreateVirtualMFADevice', { requestParameters: { virtualMFADeviceName: 'bob-phone' } }),
    },
    {
      name: 'requestParameters missing entirely',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', { requestParameters: null }),
    },
  ],
  resolving: [
    {
      name: 'the root user enables its device again (as AWS documents the event)',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', {
        userIdentity: exampleIdentities.root,
        userAgent: 'Coral/Netty4',
        requestParameters: { userName: 'AWS ROOT USER', serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device` },
      }),
      removes: [{ resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }, { resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device` }],
    },
    {
      name: 'the device is enabled again',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', { requestParameters: { userName: 'bob', serialNumber: bobDevice } }),
      removes: [{ resource: bobArn }, { resource: bobDevice }],
    },
    {
      name: 'the user is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteUser', { requestParameters: { userName: 'bob' } }),
      removes: [{ resource: bobArn }],
    },
  ],
};
