import { accountOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/**
 * The secret's full ARN (name plus the six random characters Secrets Manager appends), so that every
 * event on it addresses the same finding: the response's ARN (written "aRN" before February 2024,
 * "arn" since, https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html),
 * else secretId when it is an ARN. A bare name without a response gives a partial ARN (name only).
 */
function secretOf(record: CloudTrailRecord): ExposableResource | undefined {
  const answered =
    stringField(record, 'responseElements', 'arn') ?? stringField(record, 'responseElements', 'aRN') ?? stringField(record, 'responseElements', 'ARN');
  const given = stringField(record, 'requestParameters', 'secretId');
  const arn = answered?.startsWith('arn:') === true ? answered : given?.startsWith('arn:') === true ? given : undefined;
  const name = stringField(record, 'responseElements', 'name') ?? (arn === undefined ? given : undefined);
  if (arn !== undefined) return { arn, label: `secret ${name ?? arn.slice(arn.lastIndexOf(':') + 1)}` };
  if (name === undefined || name === '') return undefined;
  return { arn: `arn:${partitionOf(record)}:secretsmanager:${regionOf(record)}:${accountOf(record)}:secret:${name}`, label: `secret ${name}` };
}

function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const document = field(record, 'requestParameters', 'resourcePolicy');
  const resource = secretOf(record);
  return record.eventName !== 'PutResourcePolicy' || resource === undefined || document === undefined || document === null || document === ''
    ? undefined
    : { resource, document };
}

export const secretsmanagerSecretExposed: Detection = {
  id: 'secretsmanager-secret-exposed',
  title: 'Secrets Manager secret opened to the world or to an outside account',
  severity: 'critical',
  description:
    "A secret's resource policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), read or change it: " +
    'the password, key or token in it is theirs (a caller in another account also needs kms:Decrypt on a customer managed key, ' +
    'which a policy change can grant too). Read as IAM Access Analyzer does: Principal "*" is pinned only by fixed values of ' +
    'caller keys. DeleteSecret closes the finding: a secret scheduled for deletion can no longer be read; note that ' +
    'RestoreSecret brings it back with its policy, without an event that shows the policy again.',
  remediation:
    'Remove the policy (`aws secretsmanager delete-resource-policy --secret-id SECRET`) or put one limited to your accounts with ' +
    '`aws secretsmanager put-resource-policy --secret-id SECRET --resource-policy file://policy.json --block-public-policy`. ' +
    'Then rotate the secret (`aws secretsmanager rotate-secret --secret-id SECRET`): assume its value was read while it was open.',
  references: {
    mitreAttack: ['T1537', 'T1555.006'],
    links: [
      'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'secretsmanager.amazonaws.com', eventNames: ['PutResourcePolicy', 'DeleteResourcePolicy', 'DeleteSecret'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change);
  },

  resolves(record, context) {
    const secret = secretOf(record);
    if (secret === undefined) return [];
    if (record.eventName === 'DeleteResourcePolicy') return [{ resource: secret.arn, reason: 'resource policy deleted' }];
    if (record.eventName === 'DeleteSecret') return [{ resource: secret.arn, reason: 'secret deleted' }];
    const change = policyChange(record);
    return change === undefined ? [] : removalWhenContained(record, context, change);
  },
};
