import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_PARTNER_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const queueUrl = `https://sqs.eu-west-1.amazonaws.com/${EXAMPLE_ACCOUNT}/orders`;
const queueArn = `arn:aws:sqs:eu-west-1:${EXAMPLE_ACCOUNT}:orders`;
const statements = exposureStatements(['SQS:SendMessage', 'SQS:ReceiveMessage'], queueArn);

/** SetQueueAttributes as CloudTrail records it: attributes.Policy is the policy as a JSON string ("" removes it). */
const setPolicy = (policy: string) =>
  exampleEvent('sqs.amazonaws.com', 'SetQueueAttributes', { requestParameters: { queueUrl, attributes: { Policy: policy } } });
const setStatements = (...policy: object[]) => setPolicy(JSON.stringify(policyOf(...policy)));
const addPermission = (accounts: string[], label = 'vendor-read') =>
  exampleEvent('sqs.amazonaws.com', 'AddPermission', {
    requestParameters: { actions: ['ReceiveMessage', 'DeleteMessage'], AWSAccountIds: accounts, label, queueUrl },
  });

export const examples: DetectionExamples = {
  positive: [
    { name: 'policy open to everyone', record: setStatements(statements.public), expect: { severity: 'critical', resource: queueArn, scope: 'policy' } },
    {
      name: 'policy granting an outside account',
      record: setStatements(statements.ownAccount, statements.outsideAccount),
      expect: { severity: 'high', scope: 'policy' },
    },
    {
      name: 'policy given as an object',
      record: exampleEvent('sqs.amazonaws.com', 'SetQueueAttributes', {
        requestParameters: { queueUrl, attributes: { Policy: policyOf(statements.publicAws) } },
      }),
      expect: { severity: 'critical' },
    },
    {
      name: 'queue created with a public policy',
      record: exampleEvent('sqs.amazonaws.com', 'CreateQueue', {
        requestParameters: { queueName: 'orders', attributes: { Policy: JSON.stringify(policyOf(statements.public)) } },
        responseElements: { queueUrl },
      }),
      expect: { severity: 'critical', resource: queueArn, scope: 'policy' },
    },
    {
      name: 'an outside account added by label',
      record: addPermission([OUTSIDE_ACCOUNT]),
      expect: { severity: 'high', resource: queueArn, scope: 'permission/vendor-read' },
    },
  ],
  negative: [
    { name: 'own account only', record: setStatements(statements.ownAccount) },
    { name: 'a trusted partner role', record: setStatements(statements.trustedPartner) },
    { name: 'everyone in the trusted organization', record: setStatements(statements.trustedOrganization) },
    { name: 'S3 notifications of an own bucket (aws:SourceAccount and aws:SourceArn)', record: setStatements(statements.ownSource) },
    {
      name: 'an own SNS topic pinned by aws:SourceArn',
      record: setStatements({ ...statements.public, Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:eu-west-1:${EXAMPLE_ACCOUNT}:orders-fanout` } } }),
    },
    { name: 'a service principal', record: setStatements(statements.service('s3.amazonaws.com')) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: setStatements(statements.public, statements.denyOutsideOrganization) },
    { name: 'a trusted partner added by label', record: addPermission([TRUSTED_PARTNER_ACCOUNT], 'partner') },
    {
      name: 'other attributes changed',
      record: exampleEvent('sqs.amazonaws.com', 'SetQueueAttributes', { requestParameters: { queueUrl, attributes: { VisibilityTimeout: '100' } } }),
    },
    {
      name: 'queue created without a policy',
      record: exampleEvent('sqs.amazonaws.com', 'CreateQueue', { requestParameters: { queueName: 'orders' }, responseElements: { queueUrl } }),
    },
  ],
  resolving: [
    { name: 'policy replaced by a private one', record: setStatements(statements.ownAccount), removes: [{ resource: queueArn }] },
    { name: 'policy removed', record: setPolicy(''), removes: [{ resource: queueArn }] },
    {
      name: 'permission removed by label',
      record: exampleEvent('sqs.amazonaws.com', 'RemovePermission', { requestParameters: { label: 'vendor-read', queueUrl } }),
      removes: [{ resource: queueArn, scope: 'permission/vendor-read' }],
    },
    { name: 'queue deleted', record: exampleEvent('sqs.amazonaws.com', 'DeleteQueue', { requestParameters: { queueUrl } }), removes: [{ resource: queueArn }] },
  ],
};
