import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_ORGANIZATION, TRUSTED_PARTNER_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';
import { ONLY_OWN_ACCOUNT } from '../../policy/boundary.js';

const roleArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/vendor-access`;
const trust = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const assume = (principal: unknown, condition?: object) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...(condition === undefined ? {} : { Condition: condition }),
});
const createRole = (assumeRolePolicyDocument: string) =>
  exampleEvent('iam.amazonaws.com', 'CreateRole', {
    userIdentity: exampleIdentities.assumedRole,
    requestParameters: { roleName: 'vendor-access', path: '/', assumeRolePolicyDocument },
    responseElements: { role: { roleName: 'vendor-access', path: '/', arn: roleArn, roleId: 'AROAEXAMPLEVENDOR001', createDate: 'Nov 20, 2026 10:15:30 AM' } },
  });
const updateTrust = (policyDocument: string) =>
  exampleEvent('iam.amazonaws.com', 'UpdateAssumeRolePolicy', { requestParameters: { roleName: 'vendor-access', policyDocument } });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a role trusting an outside account root',
      record: createRole(trust(assume({ AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }))),
      expect: { severity: 'high', resource: roleArn },
    },
    { name: 'an outside account as a bare id', record: updateTrust(trust(assume({ AWS: OUTSIDE_ACCOUNT }))) },
    {
      name: 'an outside role with an external id (a shared string, not a limit)',
      record: createRole(trust(assume({ AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/vendor-integration` }, { StringEquals: { 'sts:ExternalId': 'a1b2c3' } }))),
    },
    {
      name: 'an outside user next to the own account',
      record: updateTrust(trust(assume({ AWS: [`arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, `arn:aws:iam::${OUTSIDE_ACCOUNT}:user/bob`] }))),
    },
    {
      name: 'any caller pinned to an unknown organization',
      record: updateTrust(trust(assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-otherorg99' } }))),
    },
    {
      name: 'the partner account when no account is trusted',
      record: createRole(trust(assume({ AWS: `arn:aws:iam::${TRUSTED_PARTNER_ACCOUNT}:root` }))),
      context: { boundary: ONLY_OWN_ACCOUNT },
    },
    { name: 'a URL-encoded trust policy', record: updateTrust(encodeURIComponent(trust(assume({ AWS: OUTSIDE_ACCOUNT })))) },
  ],
  negative: [
    { name: 'the own account', record: createRole(trust(assume({ AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }))) },
    { name: 'a trusted partner role', record: createRole(trust(assume({ AWS: `arn:aws:iam::${TRUSTED_PARTNER_ACCOUNT}:role/auditor` }))) },
    {
      name: 'any caller pinned to the trusted organization',
      record: createRole(trust(assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORGANIZATION } }))),
    },
    { name: 'open to anyone (iam-role-trust-public raises that)', record: createRole(trust(assume({ AWS: '*' }))) },
    { name: 'a service principal', record: createRole(trust(assume({ Service: 'lambda.amazonaws.com' }))) },
    { name: 'a Deny naming an outside account', record: createRole(trust({ Effect: 'Deny', Principal: { AWS: OUTSIDE_ACCOUNT }, Action: 'sts:AssumeRole' })) },
    { name: 'an unparseable trust policy', record: createRole('{not json') },
  ],
  resolving: [
    {
      name: 'the outside account removed',
      record: updateTrust(trust(assume({ AWS: `arn:aws:iam::${TRUSTED_PARTNER_ACCOUNT}:root` }))),
      removes: [{ resource: roleArn }],
    },
    { name: 'an unreadable trust policy closes nothing', record: updateTrust('{not json'), removes: [] },
    {
      name: 'the role deleted',
      record: exampleEvent('iam.amazonaws.com', 'DeleteRole', { requestParameters: { roleName: 'vendor-access' } }),
      removes: [{ resource: roleArn }],
    },
  ],
};
