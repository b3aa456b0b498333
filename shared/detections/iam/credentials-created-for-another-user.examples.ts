import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const bobArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob`;
const keyFor = (userName: string, accessKeyId: string) => ({ accessKey: { userName, accessKeyId, status: 'Active', createDate: 'Nov 20, 2026 10:15:30 AM' } });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a user creates an access key for another user',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
        requestParameters: { userName: 'bob' },
        responseElements: keyFor('bob', 'AKIAEXAMPLEBOBKEY001'),
      }),
      expect: { severity: 'medium', resource: bobArn, scope: 'AKIAEXAMPLEBOBKEY001' },
    },
    {
      name: 'a role gives a user a console password',
      record: exampleEvent('iam.amazonaws.com', 'CreateLoginProfile', {
        userIdentity: exampleIdentities.assumedRole,
        requestParameters: { userName: 'bob', passwordResetRequired: false, password: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      }),
      expect: { resource: bobArn, scope: 'console' },
    },
    {
      name: 'the root user creates a key for a user',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
        userIdentity: exampleIdentities.root,
        requestParameters: { userName: 'bob' },
        responseElements: keyFor('bob', 'AKIAEXAMPLEBOBKEY002'),
      }),
    },
    {
      name: 'a deactivated key of another user is switched back on',
      record: exampleEvent('iam.amazonaws.com', 'UpdateAccessKey', {
        requestParameters: { userName: 'bob', accessKeyId: 'AKIAEXAMPLEBOBKEY001', status: 'Active' },
      }),
      expect: { severity: 'medium', resource: bobArn, scope: 'AKIAEXAMPLEBOBKEY001' },
    },
  ],
  negative: [
    {
      name: 'a user creates a key for itself, naming itself',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
        requestParameters: { userName: 'alice' },
        responseElements: keyFor('alice', 'AKIAEXAMPLEALICE0001'),
      }),
    },
    {
      name: 'a user creates a key for itself, naming nobody',
      record: exampleEvent('iam.amazonaws.com', 'CreateAccessKey', { responseElements: keyFor('alice', 'AKIAEXAMPLEALICE0002') }),
    },
    { name: 'a user changes its own password', record: exampleEvent('iam.amazonaws.com', 'UpdateLoginProfile', { requestParameters: { userName: 'alice' } }) },
    {
      name: 'a user switches its own key back on, naming nobody',
      record: exampleEvent('iam.amazonaws.com', 'UpdateAccessKey', { requestParameters: { accessKeyId: 'AKIAEXAMPLEALICE0001', status: 'Active' } }),
    },
  ],
  resolving: [
    {
      name: 'the key is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteAccessKey', { requestParameters: { userName: 'bob', accessKeyId: 'AKIAEXAMPLEBOBKEY001' } }),
      removes: [{ resource: bobArn, scope: 'AKIAEXAMPLEBOBKEY001' }],
    },
    {
      name: 'the console password is removed',
      record: exampleEvent('iam.amazonaws.com', 'DeleteLoginProfile', { requestParameters: { userName: 'bob' } }),
      removes: [{ resource: bobArn, scope: 'console' }],
    },
    {
      name: 'the owner deletes the key, naming nobody',
      record: exampleEvent('iam.amazonaws.com', 'DeleteAccessKey', {
        userIdentity: { ...exampleIdentities.iamUser, arn: bobArn, userName: 'bob' },
        requestParameters: { accessKeyId: 'AKIAEXAMPLEBOBKEY001' },
      }),
      removes: [{ resource: bobArn, scope: 'AKIAEXAMPLEBOBKEY001' }],
    },
    {
      name: 'the key is made inactive',
      record: exampleEvent('iam.amazonaws.com', 'UpdateAccessKey', {
        requestParameters: { userName: 'bob', accessKeyId: 'AKIAEXAMPLEBOBKEY001', status: 'Inactive' },
      }),
      removes: [{ resource: bobArn, scope: 'AKIAEXAMPLEBOBKEY001' }],
    },
    {
      name: 'the owner makes the key inactive, naming nobody',
      record: exampleEvent('iam.amazonaws.com', 'UpdateAccessKey', {
        userIdentity: { ...exampleIdentities.iamUser, arn: bobArn, userName: 'bob' },
        requestParameters: { accessKeyId: 'AKIAEXAMPLEBOBKEY001', status: 'Inactive' },
      }),
      removes: [{ resource: bobArn, scope: 'AKIAEXAMPLEBOBKEY001' }],
    },
    {
      name: 'the user is deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteUser', { requestParameters: { userName: 'bob' } }),
      removes: [{ resource: bobArn }],
    },
  ],
};
