import { accountOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';
import { exposureMatch, removalWhenContained, type ExposableResource, type PolicyChange } from '../resource-exposure.js';

/** A subscription limited to fixed endpoints names who receives the messages (Access Analyzer counts sns:Endpoint). */
const KEYS = { serviceKeys: ['sns:Endpoint'] };

/** The topic: its ARN in the request (SetTopicAttributes, DeleteTopic) or CreateTopic's response, else built from the name. */
function topicOf(record: CloudTrailRecord): ExposableResource | undefined {
  const given = stringField(record, 'requestParameters', 'topicArn') ?? stringField(record, 'responseElements', 'topicArn');
  const arn = given?.startsWith('arn:') === true ? given : undefined;
  const name = arn === undefined ? stringField(record, 'requestParameters', 'name') : arn.slice(arn.lastIndexOf(':') + 1);
  if (name === undefined || name === '') return undefined;
  return { arn: arn ?? `arn:${partitionOf(record)}:sns:${regionOf(record)}:${accountOf(record)}:${name}`, label: `SNS topic ${name}` };
}

/**
 * The access policy the event sets: CreateTopic's `attributes.Policy`, or SetTopicAttributes with
 * attributeName "Policy" (attributeValue a JSON string). An empty value resets the topic to its
 * default policy, which only its own account may use: read as an empty document, it exposes nothing.
 */
function policyChange(record: CloudTrailRecord): PolicyChange | undefined {
  const resource = topicOf(record);
  if (resource === undefined) return undefined;
  if (record.eventName === 'CreateTopic') {
    const document = field(record, 'requestParameters', 'attributes', 'Policy');
    return document === undefined || document === null || document === '' ? undefined : { resource, document };
  }
  if (record.eventName !== 'SetTopicAttributes' || stringField(record, 'requestParameters', 'attributeName') !== 'Policy') return undefined;
  const value = field(record, 'requestParameters', 'attributeValue');
  return { resource, document: value === undefined || value === null || value === '' ? { Statement: [] } : value };
}

export const snsTopicExposed: Detection = {
  id: 'sns-topic-exposed',
  title: 'SNS topic opened to the world or to an outside account',
  severity: 'critical',
  description:
    "A topic's access policy now lets anyone (critical), or AWS accounts outside the trusted ones (high), publish to it, subscribe " +
    'to it or change it. Subscribing lets them receive every message sent to the topic, alerts included; publishing lets them feed ' +
    'forged messages to every subscriber. Read as IAM Access Analyzer does: Principal "*" is pinned only by fixed values of ' +
    'caller keys (aws:SourceOwner, aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID...) or sns:Endpoint, so the default ' +
    "policy (everyone, limited by aws:SourceOwner to the topic's own account) is fine. Not caught: grants made with AddPermission.",
  remediation:
    'Put back a policy limited to your accounts: `aws sns set-topic-attributes --topic-arn TOPIC --attribute-name Policy ' +
    '--attribute-value file://policy.json`, with named principals or a condition such as `"StringEquals": {"aws:SourceOwner": ' +
    '"ACCOUNT"}`. Then list the subscriptions (`aws sns list-subscriptions-by-topic --topic-arn TOPIC`) and remove unknown ones ' +
    'with `aws sns unsubscribe`.',
  references: {
    mitreAttack: ['T1537'],
    links: [
      'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'sns.amazonaws.com', eventNames: ['CreateTopic', 'SetTopicAttributes', 'DeleteTopic'] }],

  evaluate(record, context) {
    const change = policyChange(record);
    return change === undefined ? undefined : exposureMatch(record, context, change, KEYS);
  },

  resolves(record, context) {
    if (record.eventName === 'DeleteTopic') {
      const topic = topicOf(record);
      return topic === undefined ? [] : [{ resource: topic.arn, reason: 'topic deleted' }];
    }
    const change = policyChange(record);
    return change === undefined || record.eventName === 'CreateTopic' ? [] : removalWhenContained(record, context, change, KEYS);
  },
};
