import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const bobArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob`;
const readOnly = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const reportsPolicy = `arn:aws:iam::${EXAMPLE_ACCOUNT}:policy/reports-reader`;
const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::reports/*' }] });
const iam = (eventName: string, requestParameters: object) =>
  exampleEvent('iam.amazonaws.com', eventName, { userIdentity: exampleIdentities.assumedRole, requestParameters });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'an AWS-managed policy attached to a user',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: readOnly }),
      expect: { severity: 'low', resource: bobArn, scope: `attached:${readOnly}` },
    },
    {
      name: 'a customer-managed policy attached to a user',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: reportsPolicy }),
      expect: { scope: `attached:${reportsPolicy}` },
    },
    {
      name: 'an inline policy written on a user',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'reports', policyDocument: document }),
      expect: { severity: 'low', resource: bobArn, scope: 'inline:reports' },
    },
  ],
  negative: [
    {
      name: 'the quarantine AWS attaches (iam-user-compromised-key-quarantine covers it)',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3' }),
    },
    { name: 'a policy attached to a group', record: iam('AttachGroupPolicy', { groupName: 'analysts', policyArn: readOnly }) },
    { name: 'a policy attached to a role', record: iam('AttachRolePolicy', { roleName: 'ci', policyArn: readOnly }) },
    { name: 'no user named', record: iam('AttachUserPolicy', { policyArn: readOnly }) },
    { name: 'no policy named', record: iam('PutUserPolicy', { userName: 'bob', policyDocument: document }) },
  ],
  resolving: [
    {
      name: 'the managed policy is detached',
      record: iam('DetachUserPolicy', { userName: 'bob', policyArn: readOnly }),
      removes: [{ resource: bobArn, scope: `attached:${readOnly}` }],
    },
    {
      name: 'the inline policy is deleted',
      record: iam('DeleteUserPolicy', { userName: 'bob', policyName: 'reports' }),
      removes: [{ resource: bobArn, scope: 'inline:reports' }],
    },
    { name: 'the user is deleted (every policy of the user)', record: iam('DeleteUser', { userName: 'bob' }), removes: [{ resource: bobArn }] },
  ],
};
