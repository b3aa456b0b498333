import { describe, expect, it } from 'vitest';
import { analyseResourcePolicy, type ResourcePolicyOptions } from '../../shared/policy/resource-policy.js';

const OWN = '111122223333';
const PARTNER = '444455556666';
const OUTSIDER = '999988887777';
const TRUSTED_ORG = 'o-trustedorg1';
const options: ResourcePolicyOptions = {
  boundary: { accounts: new Set([PARTNER]), organizations: new Set([TRUSTED_ORG]) },
  ownAccount: OWN,
  serviceAccountKeys: ['kms:CallerAccount'],
  serviceKeys: ['kms:ViaService'],
  serviceTrueKeys: ['elasticfilesystem:AccessedViaMountTarget'],
};
const allowAll = (extra: object) => ({ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*', ...extra });
const guard = (condition: object, extra: object = {}) => ({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: condition, ...extra });

/** The exposure and the principals it names, for the table below. */
function judge(...statements: object[]): { exposure: string | undefined; principals: string[] } {
  const analysis = analyseResourcePolicy({ Version: '2012-10-17', Statement: statements }, options);
  if (!analysis.ok) throw new Error(analysis.reason);
  return { exposure: analysis.exposure, principals: analysis.statements.flatMap((s) => s.principals) };
}

describe('analyseResourcePolicy: who a resource policy lets in from beyond the trusted boundary', () => {
  it.each([
    // Wildcard principals
    ['Principal "*" without conditions is public', [allowAll({})], 'public'],
    ['{"AWS": "*"} is public', [allowAll({ Principal: { AWS: '*' } })], 'public'],
    ['NotPrincipal lets everyone else in', [{ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 'sqs:*' }], 'public'],
    ['"*" pinned to the own account', [allowAll({ Condition: { StringEquals: { 'aws:SourceAccount': OWN } } })], undefined],
    ['"*" pinned to a trusted partner account', [allowAll({ Condition: { StringEquals: { 'aws:PrincipalAccount': PARTNER } } })], undefined],
    ['"*" pinned to an outside account', [allowAll({ Condition: { StringEquals: { 'aws:SourceAccount': OUTSIDER } } })], 'outside', [OUTSIDER]],
    [
      '"*" pinned to own and outside accounts names only the outsider',
      [allowAll({ Condition: { StringEquals: { 'aws:SourceOwner': [OWN, OUTSIDER] } } })],
      'outside',
      [OUTSIDER],
    ],
    ['"*" pinned to the trusted organization', [allowAll({ Condition: { StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } } })], undefined],
    [
      '"*" pinned to an unknown organization',
      [allowAll({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-otherorg99' } } })],
      'outside',
      ['o-otherorg99'],
    ],
    [
      '"*" pinned to an org path of the trusted organization',
      [allowAll({ Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': `${TRUSTED_ORG}/r-ab12/ou-ab12-11111111/` } } })],
      undefined,
    ],
    [
      '"*" pinned by a role ARN in an outside account',
      [allowAll({ Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OUTSIDER}:role/x` } } })],
      'outside',
      [`arn:aws:iam::${OUTSIDER}:role/x`],
    ],
    [
      '"*" pinned by a source ARN without an account (an S3 bucket)',
      [allowAll({ Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket' } } })],
      undefined,
    ],
    ['"*" pinned to a VPC endpoint', [allowAll({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } } })], undefined],
    ['"*" pinned to a /24 address range', [allowAll({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })], undefined],
    ['"*" "pinned" to the whole internet by address', [allowAll({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })], 'public'],
    ['"*" under a negated operator is not pinned', [allowAll({ Condition: { StringNotEquals: { 'aws:SourceAccount': OWN } } })], 'public'],
    [
      '"*" with a wildcard in the pinning value is not pinned',
      [allowAll({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } } })],
      'public',
    ],
    [
      '"*" with an IfExists pin is not pinned (true when the key is absent)',
      [allowAll({ Condition: { StringEqualsIfExists: { 'aws:SourceAccount': OWN } } })],
      'public',
    ],
    ['"*" limited only by sts:ExternalId (a shared string) is public', [allowAll({ Condition: { StringEquals: { 'sts:ExternalId': 'shared' } } })], 'public'],
    ['"*" pinned by a service account key to the own account', [allowAll({ Condition: { StringEquals: { 'kms:CallerAccount': OWN } } })], undefined],
    [
      '"*" pinned by a service account key to an outsider',
      [allowAll({ Condition: { StringEquals: { 'kms:CallerAccount': OUTSIDER } } })],
      'outside',
      [OUTSIDER],
    ],
    [
      '"*" pinned by a service key that names no account',
      [allowAll({ Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } } })],
      undefined,
    ],
    [
      '"*" confined by a service Bool key set to true (only through the own network)',
      [allowAll({ Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } } })],
      undefined,
    ],
    [
      '"*" with that service Bool key set to false is public',
      [allowAll({ Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'false' } } })],
      'public',
    ],
    [
      '"*" with a Bool key that is not a service key (aws:SecureTransport) is public',
      [allowAll({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } })],
      'public',
    ],
    [
      'two pins, one inside: conditions are ANDed, so it stays inside',
      [allowAll({ Condition: { StringEquals: { 'aws:SourceAccount': OUTSIDER, 'aws:PrincipalOrgID': TRUSTED_ORG } } })],
      undefined,
    ],
    // Named principals
    ['an outside account root', [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, Action: 'sqs:*' }], 'outside', [OUTSIDER]],
    ['an outside account as a bare id', [{ Effect: 'Allow', Principal: { AWS: OUTSIDER }, Action: 'sqs:*' }], 'outside', [OUTSIDER]],
    [
      'an outside role, with only an external id',
      [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/vendor` },
          Action: 'sqs:*',
          Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
        },
      ],
      'outside',
      [OUTSIDER],
    ],
    [
      'the own account and a trusted partner role',
      [{ Effect: 'Allow', Principal: { AWS: [OWN, `arn:aws:iam::${PARTNER}:role/reader`] }, Action: 'sqs:*' }],
      undefined,
    ],
    [
      'an outside account pinned to the trusted organization',
      [{ Effect: 'Allow', Principal: { AWS: OUTSIDER }, Action: 'sqs:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } } }],
      undefined,
    ],
    ['a service principal', [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' }], undefined],
    ['a Deny grants nothing', [{ Effect: 'Deny', Principal: '*', Action: '*' }], undefined],
    // Deny statements that narrow an Allow
    ['a Deny guard "not my organization" over every action', [allowAll({}), guard({ StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } })], undefined],
    ['a Deny guard "not my account" with IfExists', [allowAll({}), guard({ StringNotEqualsIfExists: { 'aws:SourceAccount': OWN } })], undefined],
    [
      'a Deny guard naming an outside account narrows to it',
      [allowAll({}), guard({ StringNotEquals: { 'aws:PrincipalAccount': OUTSIDER } })],
      'outside',
      [OUTSIDER],
    ],
    [
      'a Deny guard over the service wildcard covers the action',
      [allowAll({}), guard({ StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } }, { Action: 'sqs:*' })],
      undefined,
    ],
    [
      'a Deny guard over other actions does not narrow',
      [allowAll({}), guard({ StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } }, { Action: 'sqs:ReceiveMessage' })],
      'public',
    ],
    [
      'a Deny with two conditions is not read as a guard',
      [allowAll({}), guard({ StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG }, Bool: { 'aws:SecureTransport': 'false' } })],
      'public',
    ],
    [
      'a Deny on a narrower resource is not read as a guard',
      [allowAll({}), guard({ StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } }, { Resource: 'arn:aws:sqs:eu-west-1:111122223333:other' })],
      'public',
    ],
    ['a Deny with a non-negated operator is not a guard', [allowAll({}), guard({ StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } })], 'public'],
    [
      'a Deny guard on a key that pins nothing (sts:ExternalId) is not a guard',
      [allowAll({}), guard({ StringNotEquals: { 'sts:ExternalId': 'x' } })],
      'public',
    ],
    [
      'an Allow with NotAction is never covered by a Deny guard',
      [allowAll({ Action: undefined, NotAction: 'sqs:DeleteQueue' }), guard({ StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORG } })],
      'public',
    ],
    // Several statements
    ['public beats outside', [{ Effect: 'Allow', Principal: { AWS: OUTSIDER }, Action: 'sqs:*' }, allowAll({})], 'public', [OUTSIDER, 'Principal "*"']],
  ] as [string, object[], string | undefined, string[]?][])('%s', (_name, statements, exposure, principals) => {
    const result = judge(...statements);
    expect(result.exposure).toBe(exposure);
    if (principals !== undefined) expect(result.principals).toEqual(principals);
    if (exposure === undefined) expect(result.principals).toEqual([]);
  });

  it('names the statement, why, and the actions it grants', () => {
    const analysis = analyseResourcePolicy(
      { Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'] }] },
      options,
    );
    expect(analysis).toEqual({
      ok: true,
      exposure: 'public',
      statements: [
        {
          statementIndex: 0,
          sid: 'Open',
          label: 'statement 0 (Open)',
          exposure: 'public',
          principals: ['Principal "*"'],
          reason: 'Principal "*" and no condition that pins the caller to fixed values',
          actions: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
        },
      ],
    });
  });

  it('reads a JSON string and reports an unreadable document', () => {
    expect(analyseResourcePolicy(JSON.stringify({ Statement: allowAll({}) }), options)).toMatchObject({ ok: true, exposure: 'public' });
    expect(analyseResourcePolicy('{not json', options)).toMatchObject({ ok: false });
  });
});
