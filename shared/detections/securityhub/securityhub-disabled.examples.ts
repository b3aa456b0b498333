import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const hubArn = `arn:aws:securityhub:eu-west-1:${EXAMPLE_ACCOUNT}:hub/default`;
const securityhub = (eventName: string, requestParameters: object | null, overrides: object = {}) =>
  exampleEvent('securityhub.amazonaws.com', eventName, { requestParameters, ...overrides });

export const examples: DetectionExamples = {
  positive: [
    { name: 'Security Hub disabled', record: securityhub('DisableSecurityHub', null), expect: { severity: 'high', resource: hubArn } },
    {
      name: 'Security Hub disabled in another Region by an assumed role',
      record: securityhub('DisableSecurityHub', null, { awsRegion: 'ap-southeast-2', userIdentity: exampleIdentities.assumedRole }),
      expect: { resource: `arn:aws:securityhub:ap-southeast-2:${EXAMPLE_ACCOUNT}:hub/default` },
    },
  ],
  negative: [
    { name: 'Security Hub enabled', record: securityhub('EnableSecurityHub', { EnableDefaultStandards: true, ControlFindingGenerator: 'SECURITY_CONTROL' }) },
    {
      name: 'one standard turned off (not caught, see the description)',
      record: securityhub('BatchDisableStandards', {
        StandardsSubscriptionArns: [`arn:aws:securityhub:eu-west-1:${EXAMPLE_ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0`],
      }),
    },
    { name: 'hub described', record: securityhub('DescribeHub', null, { readOnly: true }) },
  ],
  resolving: [
    {
      name: 'Security Hub enabled again',
      record: securityhub('EnableSecurityHub', { EnableDefaultStandards: true, ControlFindingGenerator: 'SECURITY_CONTROL' }),
      removes: [{ resource: hubArn }],
    },
  ],
};
