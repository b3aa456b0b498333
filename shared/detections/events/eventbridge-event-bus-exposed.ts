import { accountOf, field, isObject, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection, RiskRemoval } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/** The finding of a whole policy (PutPermission with `policy`), and those of the statements added one id at a time. */
const POLICY = 'policy';
const statementScope = (statementId: string) => `statement/${statementId}`;

/** The bus: named by name or ARN, the default bus when the request names none. */
function busOf(record: CloudTrailRecord, nameField: 'eventBusName' | 'name'): ExposableResource | undefined {
  const given = stringField(record, 'requestParameters', nameField) ?? (nameField === 'eventBusName' ? 'default' : undefined);
  if (given === undefined || given === '') return undefined;
  const name = given.slice(given.lastIndexOf('/') + 1);
  const arn = given.startsWith('arn:') ? given : `arn:${partitionOf(record)}:events:${regionOf(record)}:${accountOf(record)}:event-bus/${given}`;
  return { arn, label: `EventBridge event bus ${name}` };
}

/**
 * What PutPermission grants (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html):
 * either `policy`, the bus's whole policy as a JSON string, or one statement made of `principal`
 * (an account id or "*"), `action`, `statementId` and an optional `condition` {type, key, value}.
 */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const resource = busOf(record, 'eventBusName');
  if (record.eventName !== 'PutPermission' || resource === undefined) return undefined;
  const policy = field(record, 'requestParameters', 'policy');
  if (policy !== undefined && policy !== null && policy !== '') return { resource, document: policy, scope: POLICY };
  const principal = stringField(record, 'requestParameters', 'principal');
  const statementId = stringField(record, 'requestParameters', 'statementId');
  if (principal === undefined || statementId === undefined || statementId === '') return undefined;
  const condition = field(record, 'requestParameters', 'condition');
  const [type, key, value] = ['type', 'key', 'value'].map((name) => stringField(condition, name));
  const statement = {
    Sid: statementId,
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : { AWS: principal },
    Action: stringField(record, 'requestParameters', 'action') ?? 'events:PutEvents',
    Resource: resource.arn,
    ...(isObject(condition) && type !== undefined && key !== undefined && value !== undefined ? { Condition: { [type]: { [key]: value } } } : {}),
  };
  return { resource, document: { Statement: [statement] }, scope: statementScope(statementId), addedStatement: statementId };
}

export const eventbridgeEventBusExposed: Detection = {
  id: 'eventbridge-event-bus-exposed',
  title: 'EventBridge event bus opened to the world or to an outside account',
  severity: 'critical',
  description:
    "An event bus's resource policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), put events on " +
    'it: forged events then trigger your rules and whatever they target (Lambda functions, Step Functions, automation that acts ' +
    'on "AWS" events), or flood them. Read as IAM Access Analyzer does: Principal "*" is pinned only by fixed values of caller ' +
    'keys such as the aws:PrincipalOrgID condition PutPermission offers. Each statement PutPermission adds by id is one ' +
    'finding, closed by RemovePermission of that id; a whole policy set with `policy` is another. A whole policy that exposes ' +
    'nothing, RemovePermission of every statement or a deleted bus closes them all; a whole policy that stays exposed leaves ' +
    'earlier statement findings as they were.',
  remediation:
    'Remove the statement: `aws events remove-permission --event-bus-name BUS --statement-id ID` (or ' +
    '`--remove-all-permissions`), then grant only your accounts or organization: `aws events put-permission --event-bus-name BUS ' +
    '--action events:PutEvents --principal "*" --statement-id my-org --condition Type=StringEquals,Key=aws:PrincipalOrgID,Value=o-xxxx`. ' +
    'Review the rules on the bus and the invocations of their targets while it was open.',
  references: {
    links: [
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html',
      'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html',
    ],
  },
  scoped: true,
  events: [{ eventSource: 'events.amazonaws.com', eventNames: ['PutPermission', 'RemovePermission', 'DeleteEventBus'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change);
  },

  resolves(record, context): RiskRemoval[] {
    if (record.eventName === 'DeleteEventBus') {
      const bus = busOf(record, 'name');
      return bus === undefined ? [] : [{ resource: bus.arn, reason: 'event bus deleted' }];
    }
    const bus = busOf(record, 'eventBusName');
    if (bus === undefined) return [];
    if (record.eventName === 'RemovePermission') {
      if (field(record, 'requestParameters', 'removeAllPermissions') === true) return [{ resource: bus.arn, reason: 'every permission removed' }];
      const statementId = stringField(record, 'requestParameters', 'statementId');
      return statementId === undefined || statementId === '' ? [] : [{ resource: bus.arn, scope: statementScope(statementId), reason: 'permission removed' }];
    }
    // A whole policy replaces every statement: one that exposes nothing closes every finding of the bus.
    const change = policyChange(record);
    return change?.scope === POLICY ? removalWhenContained(record, context, { ...change, scope: undefined }) : [];
  },
};
