import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const aliceArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice`;
// A console sign-in as CloudTrail records it: no session context, no access key, requestParameters null.
const alice = { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSERID0001', arn: aliceArn, accountId: EXAMPLE_ACCOUNT, userName: 'alice' };
// An IAM Identity Center user's role session: AWS records no MFA flag it could vouch for.
const identityCenterSession = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLESSOROLE01:alice@example.com',
  arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice@example.com`,
  accountId: EXAMPLE_ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLESSOROLE01',
      arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef`,
      accountId: EXAMPLE_ACCOUNT,
      userName: 'AWSReservedSSO_ReadOnly_0123456789abcdef',
    },
    attributes: { creationDate: '2026-11-20T10:15:00Z', mfaAuthenticated: 'false' },
  },
};

const login = (identity: object, outcome: string, additionalEventData: object) =>
  exampleEvent('signin.amazonaws.com', 'ConsoleLogin', {
    userIdentity: identity,
    eventType: 'AwsConsoleSignIn',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
      MobileVersion: 'No',
      ...additionalEventData,
    },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'an IAM user signs in with a password alone',
      record: login(alice, 'Success', { MFAUsed: 'No' }),
      expect: { severity: 'medium', resource: aliceArn },
    },
    {
      name: 'an IAM user with a path signs in without MFA (the finding is addressed by name)',
      record: login({ ...alice, arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/engineering/alice` }, 'Success', { MFAUsed: 'No' }),
      expect: { resource: aliceArn },
    },
  ],
  negative: [
    { name: 'an IAM user signs in with MFA', record: login(alice, 'Success', { MFAUsed: 'Yes' }) },
    { name: 'a failed sign-in without MFA', record: login(alice, 'Failure', { MFAUsed: 'No' }) },
    { name: 'a sign-in with no MFA flag recorded', record: login(alice, 'Success', {}) },
    { name: 'the root user without MFA (root-console-login-without-mfa covers it)', record: login(exampleIdentities.root, 'Success', { MFAUsed: 'No' }) },
    { name: 'an IAM Identity Center session (no MFA flag from AWS)', record: login(identityCenterSession, 'Success', { MFAUsed: 'No' }) },
    { name: 'a SAML federated sign-in (an assumed-role session)', record: login(exampleIdentities.assumedRole, 'Success', { MFAUsed: 'No' }) },
  ],
  resolving: [
    {
      name: 'the user is given an MFA device',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { userName: 'alice', serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/alice-phone` },
      }),
      removes: [{ resource: aliceArn }],
    },
    {
      name: 'the console password is removed',
      record: exampleEvent('iam.amazonaws.com', 'DeleteLoginProfile', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { userName: 'alice' },
      }),
      removes: [{ resource: aliceArn }],
    },
    {
      name: 'the user is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteUser', { userIdentity: exampleIdentities.assumedRole, requestParameters: { userName: 'alice' } }),
      removes: [{ resource: aliceArn }],
    },
    {
      name: 'the root user assigning its own device resolves no IAM user',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', {
        userIdentity: exampleIdentities.root,
        requestParameters: { userName: 'AWS ROOT USER', serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device` },
      }),
      removes: [],
    },
  ],
};
