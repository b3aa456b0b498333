import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const login = (identity: object, outcome: string, additionalEventData: object) =>
  exampleEvent('signin.amazonaws.com', 'ConsoleLogin', {
    userIdentity: identity,
    eventType: 'AwsConsoleSignIn',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', ...additionalEventData },
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'root signs in with a password alone',
      record: login(exampleIdentities.root, 'Success', { MFAUsed: 'No' }),
      expect: { severity: 'high', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
    },
  ],
  negative: [
    { name: 'root signs in with MFA', record: login(exampleIdentities.root, 'Success', { MFAUsed: 'Yes' }) },
    { name: 'a failed root sign-in', record: login(exampleIdentities.root, 'Failure', { MFAUsed: 'No' }) },
    { name: 'an IAM user without MFA (the key audit covers users)', record: login(exampleIdentities.iamUser, 'Success', { MFAUsed: 'No' }) },
    { name: 'a federated sign-in carries no MFA flag', record: login(exampleIdentities.assumedRole, 'Success', {}) },
  ],
  resolving: [
    {
      name: 'root assigns itself an MFA device',
      record: exampleEvent('iam.amazonaws.com', 'EnableMFADevice', {
        userIdentity: exampleIdentities.root,
        // As AWS documents it: root's own IAM calls name it "AWS ROOT USER".
        requestParameters: { userName: 'AWS ROOT USER', serialNumber: `arn:aws:iam::${EXAMPLE_ACCOUNT}:mfa/root-account-mfa-device` },
      }),
      removes: [{ resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }],
    },
  ],
};
