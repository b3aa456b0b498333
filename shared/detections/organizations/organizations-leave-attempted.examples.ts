import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

// Organizations is a global service: CloudTrail records its calls in us-east-1.
const organizations = (eventName: string, requestParameters: object | null, overrides: object = {}) =>
  exampleEvent('organizations.amazonaws.com', eventName, { awsRegion: 'us-east-1', requestParameters, ...overrides });

const MANAGEMENT_ACCOUNT = '210987654321';
const managementAdmin = {
  ...exampleIdentities.assumedRole,
  principalId: 'AROAEXAMPLEORGADMIN1:admin',
  arn: `arn:aws:sts::${MANAGEMENT_ACCOUNT}:assumed-role/OrgAdmin/admin`,
  accountId: MANAGEMENT_ACCOUNT,
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a member account leaves (a denied call is raised one severity lower)',
      record: organizations('LeaveOrganization', null, { userIdentity: exampleIdentities.assumedRole }),
      expect: { severity: 'critical', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
    },
    {
      name: 'the management account removes a member',
      record: organizations(
        'RemoveAccountFromOrganization',
        { accountId: EXAMPLE_ACCOUNT },
        { userIdentity: managementAdmin, recipientAccountId: MANAGEMENT_ACCOUNT },
      ),
      expect: { severity: 'high', resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
    },
  ],
  negative: [
    { name: 'the organization described', record: organizations('DescribeOrganization', null, { readOnly: true }) },
    { name: 'a removal naming no valid account', record: organizations('RemoveAccountFromOrganization', { accountId: 'not-an-account' }) },
    { name: 'a removal without parameters', record: organizations('RemoveAccountFromOrganization', null) },
  ],
};
