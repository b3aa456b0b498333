import { accountOf, asList, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/**
 * kms:CallerAccount names the account that calls; kms:ViaService is left out on purpose: it limits
 * the calls to those an AWS service makes, for any account that uses that service.
 */
const KEYS = { serviceAccountKeys: ['kms:CallerAccount'] };

const isKeyArn = (value: string | undefined): value is string => value?.startsWith('arn:') === true && value.includes(':key/');

/**
 * The key's ARN: the one KMS writes in `resources` (PutKeyPolicy, DeleteKey) or in CreateKey's
 * keyMetadata, else the key ID of the request (PutKeyPolicy takes an ID or an ARN, never an alias,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html) placed in the event's
 * account and region.
 */
function keyOf(record: CloudTrailRecord): ExposableResource | undefined {
  const listed = asList(record['resources'])
    .map((resource) => stringField(resource, 'ARN'))
    .find(isKeyArn);
  const created = stringField(record, 'responseElements', 'keyMetadata', 'arn');
  const given = stringField(record, 'requestParameters', 'keyId');
  const arn = listed ?? (isKeyArn(created) ? created : undefined) ?? (isKeyArn(given) ? given : undefined);
  if (arn !== undefined) return { arn, label: `KMS key ${arn.slice(arn.lastIndexOf('/') + 1)}` };
  if (given === undefined || given === '' || given.includes(':') || given.includes('/')) return undefined;
  return { arn: `arn:${partitionOf(record)}:kms:${regionOf(record)}:${accountOf(record)}:key/${given}`, label: `KMS key ${given}` };
}

/** CreateKey's or PutKeyPolicy's `policy` (a JSON string); CreateKey without one gets the default, own-account policy. */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const document = field(record, 'requestParameters', 'policy');
  const resource = keyOf(record);
  return resource === undefined || document === undefined || document === null || document === '' ? undefined : { resource, document };
}

export const kmsKeyExposed: Detection = {
  id: 'kms-key-exposed',
  title: 'KMS key opened to the world or to an outside account',
  severity: 'critical',
  description:
    'A key policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), use or manage the key: decrypt ' +
    'what it protects wherever the ciphertext has leaked (snapshots, backups, objects), or change the policy itself. Read as IAM ' +
    'Access Analyzer does: Principal "*" is pinned only by fixed values of caller keys (aws:PrincipalOrgID, aws:SourceAccount...) ' +
    'or kms:CallerAccount; kms:ViaService alone is not a pin, as any account may call through the same service. ' +
    'ScheduleKeyDeletion does not close a finding (the deletion can be cancelled and the key enabled again, policy intact); the ' +
    'DeleteKey event KMS records when the waiting period ends does. Not caught: access given through grants (CreateGrant).',
  remediation:
    'Put back a policy limited to your accounts: `aws kms put-key-policy --key-id KEY --policy-name default --policy ' +
    'file://policy.json`, naming your principals or pinning "*" with `"StringEquals": {"kms:CallerAccount": "ACCOUNT"}` or ' +
    'aws:PrincipalOrgID. Review the Decrypt and ReEncrypt calls on the key from other accounts in CloudTrail, and re-encrypt the ' +
    'data under a new key if ciphertext may have left the account.',
  references: {
    mitreAttack: ['T1537'],
    links: [
      'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'kms.amazonaws.com', eventNames: ['CreateKey', 'PutKeyPolicy', 'DeleteKey'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change, KEYS);
  },

  resolves(record, context) {
    if (record.eventName === 'DeleteKey') {
      // An AWS service event at the end of the waiting period: the ARN is in resources, or (since
      // December 2022) in responseElements.keyId (https://docs.aws.amazon.com/kms/latest/developerguide/ct-delete-key.html).
      const answered = stringField(record, 'responseElements', 'keyId');
      const key = keyOf(record) ?? (isKeyArn(answered) ? { arn: answered } : undefined);
      return key === undefined ? [] : [{ resource: key.arn, reason: 'key deleted' }];
    }
    const change = policyChange(record);
    return change === undefined || record.eventName !== 'PutKeyPolicy' ? [] : removalWhenContained(record, context, change, KEYS);
  },
};
