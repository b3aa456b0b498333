import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const bobArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob`;
const bobDevice = `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/bob-phone`;
const rootArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`;
const rootDevice = `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device`;
const bob = { ...exampleIdentities.iamUser, principalId: 'AIDAEXAMPLEUSERID0002', arn: bobArn, userName: 'bob' };

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'an admin deactivates another user’s device',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', { requestParameters: { userName: 'bob', serialNumber: bobDevice } }),
      expect: { severity: 'high', resource: bobArn },
    },
    {
      name: 'a user deactivates its own device, naming nobody (the caller is the owner)',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', { userIdentity: bob, requestParameters: { serialNumber: bobDevice } }),
      expect: { severity: 'high', resource: bobArn },
    },
    {
      name: 'the root user deactivates its own device',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', {
        userIdentity: exampleIdentities.root,
        requestParameters: { serialNumber: rootDevice },
      }),
      expect: { severity: 'critical', resource: rootArn },
    },
    {
      name: 'the root user deactivates its device, named "AWS ROOT USER" as CloudTrail records it',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', {
        userIdentity: exampleIdentities.root,
        requestParameters: { userName: 'AWS ROOT USER', serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-phone` },
      }),
      expect: { severity: 'critical', resource: rootArn },
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
      // IAM refuses to delete an assigned device (DeleteConflict): a deletion removes nobody's MFA.
      name: 'a virtual device that was never enabled is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteVirtualMFADevice', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { serialNumber: bobDevice },
      }),
    },
    {
      name: 'requestParameters missing entirely',
      record: exampleEvent('iam.amazonaws.com', 'DeactivateMFADevice', { requestParameters: null, userIdentity: exampleIdentities.assumedRole }),
    },
  ],
  resolving: [
    {
      name: 'the root user enables its device again (as AWS documents the event)',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', {
        userIdentity: exampleIdentities.root,
        userAgent: 'Coral/Netty4',
        requestParameters: { userName: 'AWS ROOT USER', serialNumber: rootDevice },
      }),
      removes: [{ resource: rootArn }],
    },
    {
      name: 'the device is enabled again',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', { requestParameters: { userName: 'bob', serialNumber: bobDevice } }),
      removes: [{ resource: bobArn }],
    },
    {
      name: 'the user enables a new device itself, naming nobody',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', {
        userIdentity: bob,
        requestParameters: { serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/bob-new-phone` },
      }),
      removes: [{ resource: bobArn }],
    },
    {
      name: 'the user is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteUser', { requestParameters: { userName: 'bob' } }),
      removes: [{ resource: bobArn }],
    },
  ],
};
