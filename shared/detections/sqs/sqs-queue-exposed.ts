import { accountOf, asList, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection, RiskRemoval } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/** The finding of the queue's whole policy, and those of the statements AddPermission adds one label at a time. */
const POLICY = 'policy';
const permissionScope = (label: string) => `permission/${label}`;

/**
 * The queue: its URL (https://sqs.<region>.amazonaws.com/<account>/<name>, in the request, or in
 * CreateQueue's response) gives the account and name, else CreateQueue's queueName in the event's account.
 */
function queueOf(record: CloudTrailRecord): ExposableResource | undefined {
  const url = stringField(record, 'requestParameters', 'queueUrl') ?? stringField(record, 'responseElements', 'queueUrl');
  const [name, account] = url === undefined ? [stringField(record, 'requestParameters', 'queueName'), accountOf(record)] : url.split('/').reverse();
  if (name === undefined || name === '' || account === undefined || !/^\d{12}$/.test(account)) return undefined;
  return { arn: `arn:${partitionOf(record)}:sqs:${regionOf(record)}:${account}:${name}`, label: `SQS queue ${name}` };
}

/** `attributes.Policy` of CreateQueue or SetQueueAttributes (a JSON string or an object); "" removes it. */
function policyAttribute(record: CloudTrailRecord): unknown {
  return field(record, 'requestParameters', 'attributes', 'Policy');
}

/** What the event grants: the whole policy, or AddPermission's statement for named accounts (never "*"). */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const resource = queueOf(record);
  if (resource === undefined) return undefined;
  if (record.eventName === 'AddPermission') {
    const label = stringField(record, 'requestParameters', 'label');
    if (label === undefined || label === '') return undefined;
    const actions = asList(field(record, 'requestParameters', 'actions')).flatMap((action) => (typeof action === 'string' ? [`SQS:${action}`] : []));
    const statement = {
      Sid: label,
      Effect: 'Allow',
      Principal: { AWS: asList(field(record, 'requestParameters', 'AWSAccountIds')) },
      Action: actions,
      Resource: resource.arn,
    };
    return { resource, document: { Statement: [statement] }, scope: permissionScope(label), addedStatement: label };
  }
  const document = policyAttribute(record);
  return document === undefined || document === null || document === '' ? undefined : { resource, document, scope: POLICY };
}

export const sqsQueueExposed: Detection = {
  id: 'sqs-queue-exposed',
  title: 'SQS queue opened to the world or to an outside account',
  severity: 'critical',
  description:
    "A queue's access policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), act on it: read and " +
    'delete its messages, or send forged ones to whatever consumes it. Read as IAM Access Analyzer does: Principal "*" is ' +
    'pinned only by fixed values of caller keys (aws:SourceArn and aws:SourceAccount for an SNS topic or S3 bucket of your own, ' +
    'aws:PrincipalOrgID...). The whole policy (CreateQueue, SetQueueAttributes) is one finding; each AddPermission label is ' +
    'another, closed by RemovePermission of that label. A later policy that stays exposed leaves the label findings as they were; ' +
    'a private policy, a removed policy or a deleted queue closes them all.',
  remediation:
    'Replace the policy with one limited to your accounts: `aws sqs set-queue-attributes --queue-url URL --attributes ' +
    'file://attributes.json` (a Policy naming your principals, or pinned with aws:SourceArn / aws:PrincipalOrgID), or remove ' +
    'it with `"Policy": ""`; remove grants added by label with `aws sqs remove-permission --queue-url URL --label LABEL`. ' +
    'Check CloudTrail data events or the consumers for messages read or sent while it was open.',
  references: {
    mitreAttack: ['T1537'],
    links: [
      'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  scoped: true,
  events: [{ eventSource: 'sqs.amazonaws.com', eventNames: ['CreateQueue', 'SetQueueAttributes', 'AddPermission', 'RemovePermission', 'DeleteQueue'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change);
  },

  resolves(record, context): RiskRemoval[] {
    const queue = queueOf(record);
    if (queue === undefined) return [];
    switch (record.eventName) {
      case 'DeleteQueue':
        return [{ resource: queue.arn, reason: 'queue deleted' }];
      case 'RemovePermission': {
        const label = stringField(record, 'requestParameters', 'label');
        return label === undefined || label === '' ? [] : [{ resource: queue.arn, scope: permissionScope(label), reason: 'permission removed' }];
      }
      case 'SetQueueAttributes': {
        if (policyAttribute(record) === '') return [{ resource: queue.arn, reason: 'queue policy removed' }];
        // A policy that replaces the whole document and exposes nothing closes every finding of the queue.
        const change = policyChange(record);
        return change === undefined ? [] : removalWhenContained(record, context, { ...change, scope: undefined });
      }
      default:
        return [];
    }
  },
};
