import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const keyArn = `arn:aws:kms:eu-west-1:${EXAMPLE_ACCOUNT}:key/${keyId}`;
const statements = exposureStatements(['kms:Decrypt', 'kms:DescribeKey'], '*');

/** PutKeyPolicy as the KMS developer guide shows it: the policy as a JSON string, the key ARN in resources. */
const putKeyPolicy = (...policy: object[]) =>
  exampleEvent('kms.amazonaws.com', 'PutKeyPolicy', {
    requestParameters: { keyId, policyName: 'default', policy: JSON.stringify(policyOf(...policy)), bypassPolicyLockoutSafetyCheck: false },
    resources: [{ accountId: EXAMPLE_ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }],
  });

/** The default key policy: the account itself, which then delegates to IAM policies. */
const defaultStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};
/** What AWS managed keys use: anyone, but only through one service and only from the own account. */
const viaServiceForOwnAccount = {
  Sid: 'Allow access through EBS for all principals in the account',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
  Resource: '*',
  Condition: { StringEquals: { 'kms:CallerAccount': EXAMPLE_ACCOUNT, 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' } },
};

export const examples: DetectionExamples = {
  positive: [
    { name: 'policy open to everyone', record: putKeyPolicy(defaultStatement, statements.public), expect: { severity: 'critical', resource: keyArn } },
    {
      name: 'policy granting an outside account',
      record: putKeyPolicy(defaultStatement, statements.outsideAccount),
      expect: { severity: 'high', resource: keyArn },
    },
    {
      name: '"*" pinned by kms:CallerAccount to an outside account',
      record: putKeyPolicy({
        ...viaServiceForOwnAccount,
        Condition: { StringEquals: { 'kms:CallerAccount': OUTSIDE_ACCOUNT, 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' } },
      }),
      expect: { severity: 'high' },
    },
    {
      name: '"*" limited by kms:ViaService alone (any account using that service)',
      record: putKeyPolicy({ ...viaServiceForOwnAccount, Condition: { StringEquals: { 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' } } }),
      expect: { severity: 'critical' },
    },
    {
      name: 'key created with a public policy',
      record: exampleEvent('kms.amazonaws.com', 'CreateKey', {
        requestParameters: {
          description: '',
          policy: JSON.stringify(policyOf(defaultStatement, statements.publicAws)),
          bypassPolicyLockoutSafetyCheck: false,
          keySpec: 'SYMMETRIC_DEFAULT',
          keyUsage: 'ENCRYPT_DECRYPT',
        },
        responseElements: { keyMetadata: { AWSAccountId: EXAMPLE_ACCOUNT, keyId, arn: keyArn, keyState: 'Enabled', keyManager: 'CUSTOMER' } },
      }),
      expect: { severity: 'critical', resource: keyArn },
    },
  ],
  negative: [
    { name: 'the default key policy', record: putKeyPolicy(defaultStatement) },
    { name: 'an AWS managed key style policy (kms:CallerAccount of the own account)', record: putKeyPolicy(defaultStatement, viaServiceForOwnAccount) },
    { name: 'a trusted partner role', record: putKeyPolicy(defaultStatement, statements.trustedPartner) },
    { name: 'everyone in the trusted organization', record: putKeyPolicy(defaultStatement, statements.trustedOrganization) },
    { name: 'an own bucket as aws:SourceAccount and aws:SourceArn', record: putKeyPolicy(defaultStatement, statements.ownSource) },
    { name: 'a service principal', record: putKeyPolicy(defaultStatement, statements.service('logs.eu-west-1.amazonaws.com')) },
    { name: 'public Allow narrowed by a Deny outside the organization', record: putKeyPolicy(statements.public, statements.denyOutsideOrganization) },
    {
      name: 'key created with the default policy',
      record: exampleEvent('kms.amazonaws.com', 'CreateKey', {
        requestParameters: { description: '', bypassPolicyLockoutSafetyCheck: false, keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' },
        responseElements: { keyMetadata: { AWSAccountId: EXAMPLE_ACCOUNT, keyId, arn: keyArn } },
      }),
    },
  ],
  resolving: [
    { name: 'policy replaced by the default one', record: putKeyPolicy(defaultStatement), removes: [{ resource: keyArn }] },
    {
      name: 'key deleted at the end of its waiting period',
      record: exampleEvent('kms.amazonaws.com', 'DeleteKey', {
        userIdentity: { accountId: EXAMPLE_ACCOUNT, invokedBy: 'AWS Internal' },
        sourceIPAddress: 'AWS Internal',
        eventType: 'AwsServiceEvent',
        requestParameters: null,
        responseElements: { keyId: keyArn },
        resources: [{ accountId: EXAMPLE_ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }],
      }),
      removes: [{ resource: keyArn }],
    },
  ],
};
