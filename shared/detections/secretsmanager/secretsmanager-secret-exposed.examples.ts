import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const secretArn = `arn:aws:secretsmanager:eu-west-1:${EXAMPLE_ACCOUNT}:secret:prod/db-password-a1B2c3`;
const statements = exposureStatements('secretsmanager:GetSecretValue', '*');

/** PutResourcePolicy as CloudTrail records it: the policy as a JSON string; the secret's ARN and name in the response. */
const putPolicy = (...policy: object[]) =>
  exampleEvent('secretsmanager.amazonaws.com', 'PutResourcePolicy', {
    requestParameters: { secretId: 'prod/db-password', resourcePolicy: JSON.stringify(policyOf(...policy)), blockPublicPolicy: false },
    responseElements: { arn: secretArn, name: 'prod/db-password' },
  });

export const examples: DetectionExamples = {
  positive: [
    { name: 'policy open to everyone', record: putPolicy(statements.public), expect: { severity: 'critical', resource: secretArn } },
    { name: 'policy granting an outside account', record: putPolicy(statements.outsideAccount), expect: { severity: 'high', resource: secretArn } },
    {
      name: 'secret named by ARN, response with "aRN" (records before February 2024)',
      record: exampleEvent('secretsmanager.amazonaws.com', 'PutResourcePolicy', {
        requestParameters: { secretId: secretArn, resourcePolicy: JSON.stringify(policyOf(statements.publicAws)) },
        responseElements: { aRN: secretArn, name: 'prod/db-password' },
      }),
      expect: { severity: 'critical', resource: secretArn },
    },
    { name: 'everyone pinned to an untrusted organization', record: putPolicy(statements.untrustedOrganization), expect: { severity: 'high' } },
  ],
  negative: [
    { name: 'own account only', record: putPolicy(statements.ownAccount) },
    { name: 'a trusted partner role', record: putPolicy(statements.trustedPartner) },
    { name: 'everyone in the trusted organization', record: putPolicy(statements.trustedOrganization) },
    { name: 'pinned by aws:SourceAccount of the own account', record: putPolicy(statements.ownSource) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: putPolicy(statements.public, statements.denyOutsideOrganization) },
    {
      name: 'a Deny-only policy',
      record: putPolicy({ Sid: 'DenyDelete', Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*' }),
    },
  ],
  resolving: [
    { name: 'policy replaced by a private one', record: putPolicy(statements.ownAccount), removes: [{ resource: secretArn }] },
    {
      name: 'policy deleted',
      record: exampleEvent('secretsmanager.amazonaws.com', 'DeleteResourcePolicy', {
        requestParameters: { secretId: 'prod/db-password' },
        responseElements: { arn: secretArn, name: 'prod/db-password' },
      }),
      removes: [{ resource: secretArn }],
    },
    {
      name: 'secret deleted (recorded with "aRN")',
      record: exampleEvent('secretsmanager.amazonaws.com', 'DeleteSecret', {
        requestParameters: { recoveryWindowInDays: 30, secretId: 'prod/db-password' },
        responseElements: { name: 'prod/db-password', deletionDate: 'Dec 20, 2026 10:15:30 AM', aRN: secretArn },
      }),
      removes: [{ resource: secretArn }],
    },
  ],
};
