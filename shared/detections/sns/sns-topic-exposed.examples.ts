import type { DetectionExamples } from '../detection.js';
import { ONLY_OWN_ACCOUNT } from '../../policy/boundary.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const topicArn = `arn:aws:sns:eu-west-1:${EXAMPLE_ACCOUNT}:build-alerts`;
const statements = exposureStatements(['SNS:Publish', 'SNS:Subscribe'], topicArn);

/** SetTopicAttributes as CloudTrail records it: attributeValue is the policy as a JSON string. */
const setPolicy = (...policy: object[]) =>
  exampleEvent('sns.amazonaws.com', 'SetTopicAttributes', {
    requestParameters: { topicArn, attributeName: 'Policy', attributeValue: JSON.stringify(policyOf(...policy)) },
  });

/** The policy SNS gives a new topic: everyone, limited by aws:SourceOwner to the topic's own account. */
const defaultPolicy = {
  Sid: '__default_statement_ID',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: [
    'SNS:GetTopicAttributes',
    'SNS:SetTopicAttributes',
    'SNS:AddPermission',
    'SNS:RemovePermission',
    'SNS:DeleteTopic',
    'SNS:Subscribe',
    'SNS:ListSubscriptionsByTopic',
    'SNS:Publish',
  ],
  Resource: topicArn,
  Condition: { StringEquals: { 'AWS:SourceOwner': EXAMPLE_ACCOUNT } },
};

export const examples: DetectionExamples = {
  positive: [
    { name: 'policy open to everyone', record: setPolicy(statements.public), expect: { severity: 'critical', resource: topicArn } },
    {
      name: 'policy open to {"AWS": "*"} next to the default statement',
      record: setPolicy(defaultPolicy, statements.publicAws),
      expect: { severity: 'critical' },
    },
    { name: 'policy granting an outside account', record: setPolicy(statements.outsideAccount), expect: { severity: 'high', resource: topicArn } },
    {
      name: 'a partner role, where the deployment trusts no other account',
      record: setPolicy(statements.trustedPartner),
      context: { boundary: ONLY_OWN_ACCOUNT },
      expect: { severity: 'high', resource: topicArn },
    },
    { name: 'policy pinned to an untrusted organization', record: setPolicy(statements.untrustedOrganization), expect: { severity: 'high' } },
    { name: 'policy limited only by an external id', record: setPolicy(statements.onlyExternalId), expect: { severity: 'critical' } },
    {
      name: 'topic created with a public policy',
      record: exampleEvent('sns.amazonaws.com', 'CreateTopic', {
        requestParameters: { name: 'build-alerts', attributes: { Policy: JSON.stringify(policyOf(statements.public)) } },
        responseElements: { topicArn },
      }),
      expect: { severity: 'critical', resource: topicArn },
    },
  ],
  negative: [
    { name: 'the default topic policy', record: setPolicy(defaultPolicy) },
    { name: 'own account only', record: setPolicy(statements.ownAccount) },
    { name: 'a trusted partner role', record: setPolicy(statements.trustedPartner) },
    { name: 'everyone in the trusted organization', record: setPolicy(statements.trustedOrganization) },
    { name: 'S3 events of an own bucket (aws:SourceAccount and aws:SourceArn)', record: setPolicy(statements.ownSource) },
    { name: 'a service principal', record: setPolicy(statements.service('events.amazonaws.com')) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: setPolicy(statements.public, statements.denyOutsideOrganization) },
    {
      name: 'subscriptions limited to a fixed endpoint',
      record: setPolicy({
        Sid: 'Pager',
        Effect: 'Allow',
        Principal: '*',
        Action: 'SNS:Subscribe',
        Resource: topicArn,
        Condition: { StringEquals: { 'sns:Endpoint': 'https://pager.example.com/hook' } },
      }),
    },
    {
      name: 'another attribute changed',
      record: exampleEvent('sns.amazonaws.com', 'SetTopicAttributes', {
        requestParameters: { topicArn, attributeName: 'DisplayName', attributeValue: 'Build alerts' },
      }),
    },
    {
      name: 'topic created without a policy',
      record: exampleEvent('sns.amazonaws.com', 'CreateTopic', { requestParameters: { name: 'build-alerts' }, responseElements: { topicArn } }),
    },
  ],
  resolving: [
    { name: 'policy replaced by the default one', record: setPolicy(defaultPolicy), removes: [{ resource: topicArn }] },
    {
      name: 'policy attribute emptied',
      record: exampleEvent('sns.amazonaws.com', 'SetTopicAttributes', { requestParameters: { topicArn, attributeName: 'Policy', attributeValue: '' } }),
      removes: [{ resource: topicArn }],
    },
    { name: 'topic deleted', record: exampleEvent('sns.amazonaws.com', 'DeleteTopic', { requestParameters: { topicArn } }), removes: [{ resource: topicArn }] },
  ],
};
