import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';

const policyId = `arn:aws:iam::${EXAMPLE_ACCOUNT}:account-password-policy`;
// CloudTrail logs the request's parameters in lowerCamelCase, numbers as numbers.
const update = (requestParameters: object | null) => exampleEvent('iam.amazonaws.com', 'UpdateAccountPasswordPolicy', { requestParameters });
const benchmark = {
  minimumPasswordLength: 14,
  requireSymbols: true,
  requireNumbers: true,
  requireUppercaseCharacters: true,
  requireLowercaseCharacters: true,
  allowUsersToChangePassword: true,
  passwordReusePrevention: 24,
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'policy deleted (AWS default applies)',
      record: exampleEvent('iam.amazonaws.com', 'DeleteAccountPasswordPolicy'),
      expect: { severity: 'medium', resource: policyId },
    },
    { name: 'minimum length lowered to 8', record: update({ ...benchmark, minimumPasswordLength: 8 }), expect: { severity: 'medium', resource: policyId } },
    { name: 'reuse prevention lowered to 5', record: update({ ...benchmark, passwordReusePrevention: 5 }) },
    { name: 'reuse prevention left out (reverts to none)', record: update({ minimumPasswordLength: 16, requireSymbols: true, requireNumbers: true }) },
    { name: 'an update with no parameters at all (every default)', record: update(null) },
  ],
  negative: [
    { name: 'policy at the benchmark', record: update(benchmark) },
    {
      name: 'policy above the benchmark, values logged as strings',
      record: update({ ...benchmark, minimumPasswordLength: '20', passwordReusePrevention: '24' }),
    },
    { name: 'policy read', record: exampleEvent('iam.amazonaws.com', 'GetAccountPasswordPolicy', { readOnly: true }) },
  ],
  resolving: [{ name: 'policy set back to the benchmark', record: update(benchmark), removes: [{ resource: policyId }] }],
};
