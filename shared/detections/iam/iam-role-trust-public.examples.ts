import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const roleArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/deploy`;
const trust = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const github = `arn:aws:iam::${EXAMPLE_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const githubTrust = (condition: object | undefined): string =>
  trust({
    Effect: 'Allow',
    Principal: { Federated: github },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition === undefined ? {} : { Condition: condition }),
  });
const createRole = (assumeRolePolicyDocument: string) =>
  exampleEvent('iam.amazonaws.com', 'CreateRole', {
    userIdentity: exampleIdentities.assumedRole,
    requestParameters: { roleName: 'deploy', assumeRolePolicyDocument },
    responseElements: { role: { roleName: 'deploy', path: '/', arn: roleArn, roleId: 'AROAEXAMPLEDEPLOY001', createDate: 'Nov 20, 2026 10:15:30 AM' } },
  });
const updateTrust = (policyDocument: string) =>
  exampleEvent('iam.amazonaws.com', 'UpdateAssumeRolePolicy', { requestParameters: { roleName: 'deploy', policyDocument } });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a role trusting every AWS account',
      record: createRole(trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' })),
      expect: { severity: 'critical', resource: roleArn },
    },
    {
      name: 'Principal "*" with only a negated condition',
      record: updateTrust(
        trust({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
      ),
    },
    { name: 'a trust policy changed to Principal "*"', record: updateTrust(trust({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' })) },
    {
      name: 'GitHub Actions OIDC with no sub condition',
      record: createRole(githubTrust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } })),
    },
    { name: 'GitHub Actions OIDC with sub "repo:*"', record: createRole(githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } })) },
    {
      name: 'Cognito identities without an aud condition',
      record: createRole(trust({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' })),
    },
    {
      name: 'a URL-encoded trust policy open to everyone',
      record: updateTrust(encodeURIComponent(trust({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'sts:AssumeRole' }))),
    },
  ],
  negative: [
    {
      name: 'Principal "*" pinned to the organisation',
      record: createRole(
        trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
      ),
    },
    {
      name: 'GitHub Actions pinned to one organisation',
      record: createRole(githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } })),
    },
    { name: 'a service principal', record: createRole(trust({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' })) },
    {
      name: 'another account by id',
      record: createRole(trust({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' })),
    },
    { name: 'a Deny for everyone', record: createRole(trust({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' })) },
    {
      name: 'a SAML identity provider',
      record: createRole(
        trust({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${EXAMPLE_ACCOUNT}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML' }),
      ),
    },
    { name: 'an unparseable trust policy', record: createRole('{not json') },
  ],
  resolving: [
    {
      name: 'the trust policy pinned again',
      record: updateTrust(trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' })),
      removes: [{ resource: roleArn }],
    },
    {
      name: 'the role deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteRole', { requestParameters: { roleName: 'deploy' } }),
      removes: [{ resource: roleArn }],
    },
  ],
};
