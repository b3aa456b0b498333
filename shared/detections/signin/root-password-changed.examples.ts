import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

// As the CloudTrail user guide shows a root password change: a sign-in event whose outcome sits under
// its own name in responseElements, with no access key and no session.
const rootAtSignIn = { type: 'Root', principalId: EXAMPLE_ACCOUNT, arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, accountId: EXAMPLE_ACCOUNT, accessKeyId: '' };
const signIn = (eventName: string, outcome: string, userIdentity: object = rootAtSignIn) =>
  exampleEvent('signin.amazonaws.com', eventName, {
    userIdentity,
    eventType: 'AwsConsoleSignIn',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
    responseElements: { [eventName]: outcome },
  });
const root = `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`;

export const examples: DetectionExamples = {
  positive: [
    { name: 'root password changed', record: signIn('PasswordUpdated', 'Success'), expect: { severity: 'high', resource: root } },
    { name: 'root password reset through recovery', record: signIn('PasswordRecoveryCompleted', 'Success'), expect: { severity: 'high', resource: root } },
    { name: 'root password reset link requested', record: signIn('PasswordRecoveryRequested', 'Success'), expect: { severity: 'medium', resource: root } },
  ],
  negative: [
    { name: 'a root password change that failed', record: signIn('PasswordUpdated', 'Failure') },
    { name: 'a reset link request that failed', record: signIn('PasswordRecoveryRequested', 'Failure') },
    { name: 'an IAM user event of the same name', record: signIn('PasswordUpdated', 'Success', exampleIdentities.iamUser) },
    {
      name: 'an outcome that is not logged',
      record: exampleEvent('signin.amazonaws.com', 'PasswordUpdated', { userIdentity: rootAtSignIn, eventType: 'AwsConsoleSignIn' }),
    },
    { name: 'a root console sign-in', record: signIn('ConsoleLogin', 'Success') },
  ],
};
