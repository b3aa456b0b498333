import { describe, expect, it } from 'vitest';
import { analyseBucketPolicy, s3ActionAccess } from '../../shared/policy/bucket-policy.js';
import { isNarrowSourceIp } from '../../shared/policy/public-principals.js';

const ARN = 'arn:aws:s3:::acme-invoices';
const statement = (fields: Record<string, unknown>) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*`, ...fields });
const policy = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const everyone = (condition?: Record<string, unknown>) => policy(statement({ Principal: '*', ...(condition === undefined ? {} : { Condition: condition }) }));

function isPublic(input: unknown): boolean {
  const result = analyseBucketPolicy(input);
  if (!result.ok) throw new Error(result.reason);
  return result.public;
}

describe('bucket policy principals', () => {
  it.each([
    ['Principal "*"', '*', true],
    ['Principal {"AWS":"*"}', { AWS: '*' }, true],
    ['Principal {"AWS":["*"]} among accounts', { AWS: ['arn:aws:iam::111122223333:root', '*'] }, true],
    ['a wildcard inside an ARN', { AWS: 'arn:aws:iam::*:root' }, true],
    ['a policy variable', { AWS: 'arn:aws:iam::111122223333:user/${aws:username}' }, true],
    ['an empty principal object', {}, true],
    ['an account ARN', { AWS: 'arn:aws:iam::111122223333:root' }, false],
    ['a bare account id', { AWS: '111122223333' }, false],
    ['a role', { AWS: ['arn:aws:iam::111122223333:role/Reader'] }, false],
    ['a service principal', { Service: 'logging.s3.amazonaws.com' }, false],
    ['a canonical user', { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, false],
  ])('%s is public: %s', (_name, principal, expected) => {
    expect(isPublic(policy(statement({ Principal: principal })))).toBe(expected);
  });

  it('treats an Allow with NotPrincipal as public', () => {
    expect(isPublic(policy(statement({ NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } })))).toBe(true);
  });

  it('ignores Deny statements, whatever their principal', () => {
    expect(isPublic(policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [ARN, `${ARN}/*`] }))).toBe(false);
  });

  it('is public when one statement of several is', () => {
    const result = analyseBucketPolicy(policy(statement({ Principal: { AWS: '111122223333' } }), statement({ Sid: 'Open', Principal: '*' })));
    expect(result).toMatchObject({ ok: true, public: true, statements: [{ statementIndex: 1, sid: 'Open' }] });
  });
});

describe('bucket policy conditions', () => {
  it.each([
    ['aws:SourceArn', 'StringEquals', 'arn:aws:cloudfront::111122223333:distribution/E1A2B3C4'],
    ['aws:SourceVpc', 'StringEquals', 'vpc-1a2b3c4d'],
    ['aws:SourceVpce', 'StringEquals', 'vpce-1a2b3c4d'],
    ['aws:SourceOwner', 'StringEquals', '111122223333'],
    ['aws:SourceAccount', 'StringEquals', '111122223333'],
    ['aws:PrincipalOrgID', 'StringEquals', 'o-a1b2c3d4e5'],
    ['s3:x-amz-server-side-encryption-aws-kms-key-id', 'StringEquals', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['aws:userid', 'StringEquals', 'AIDAEXAMPLEUSERID0001'],
    ['s3:DataAccessPointArn', 'StringEquals', 'arn:aws:s3:eu-west-1:111122223333:accesspoint/reports'],
    ['s3:DataAccessPointAccount', 'StringEquals', '111122223333'],
    ['aws:SourceArn', 'ArnEquals', 'arn:aws:cloudfront::111122223333:distribution/E1A2B3C4'],
    ['aws:SourceArn', 'ArnLike', 'arn:aws:cloudfront::111122223333:distribution/E1A2B3C4'],
    ['AWS:SOURCEVPC (keys are case-insensitive)', 'stringequals', 'vpc-1a2b3c4d'],
    ['aws:SourceVpc', 'ForAnyValue:StringEquals', 'vpc-1a2b3c4d'],
  ])('a fixed %s under %s makes Principal "*" not public', (key, operator, value) => {
    const conditionKey = key.split(' ')[0] ?? key;
    expect(isPublic(everyone({ [operator]: { [conditionKey]: value } }))).toBe(false);
  });

  it.each([
    ['a wildcard value', { StringLike: { 'aws:SourceVpce': 'vpce-*' } }],
    ['a "?" wildcard', { StringLike: { 'aws:SourceAccount': '11112222333?' } }],
    ['a policy variable', { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } }],
    ['one wildcard among fixed values', { StringEquals: { 'aws:SourceVpc': ['vpc-1a2b3c4d', '*'] } }],
    ['aws:userid "AROLEID:*" (any session of a role)', { StringLike: { 'aws:userid': 'AROAEXAMPLEROLEID001:*' } }],
    ['a negated operator', { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }],
    ['ArnNotEquals', { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:eu-west-1:111122223333:t' } }],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['an ...IfExists operator (true when the key is absent)', { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } }],
    ['ForAllValues (true when the key is absent)', { 'ForAllValues:StringEquals': { 'aws:SourceVpc': 'vpc-1a2b3c4d' } }],
    ['a key that is not in the list', { StringEquals: { 'aws:PrincipalTag/team': 'data' } }],
    ['an empty value list', { StringEquals: { 'aws:SourceVpc': [] } }],
    ['aws:SecureTransport', { Bool: { 'aws:SecureTransport': 'true' } }],
  ])('%s leaves Principal "*" public', (_name, condition) => {
    expect(isPublic(everyone(condition))).toBe(true);
  });

  it.each([
    ['203.0.113.0/24', false],
    ['203.0.113.10', false],
    ['11.0.0.0/8', false],
    ['10.0.0.0/8 (RFC 1918)', false],
    ['172.16.0.0/12 (RFC 1918)', false],
    ['192.168.0.0/16 (RFC 1918)', false],
    ['10.0.0.0/7 (reaches past RFC 1918)', true],
    ['52.0.0.0/7', true],
    ['0.0.0.0/0', true],
    ['2001:db8::/32', false],
    ['2001:db8::1', false],
    ['2001:db8::/31', true],
    ['::/0', true],
    ['not-an-ip', true],
    ['203.0.113.0/33', true],
  ])('aws:SourceIp %s is public: %s', (range, expected) => {
    const value = range.split(' ')[0] ?? range;
    expect(isPublic(everyone({ IpAddress: { 'aws:SourceIp': value } }))).toBe(expected);
  });

  it('is public when any of several source-IP ranges is too broad', () => {
    expect(isPublic(everyone({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/1'] } }))).toBe(true);
  });

  it('needs only one restricting key among several conditions', () => {
    expect(isPublic(everyone({ Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }))).toBe(false);
  });

  it('exposes the source-IP rule on its own', () => {
    expect([isNarrowSourceIp('1.0.0.0/8'), isNarrowSourceIp('1.0.0.0/7'), isNarrowSourceIp('1.2.3.4/24/1')]).toEqual([true, false, false]);
  });
});

describe('what a public policy allows', () => {
  it.each([
    [['s3:GetObject'], 'read'],
    [['s3:ListBucket', 's3:GetObjectVersion'], 'read'],
    [['s3:PutObject'], 'write'],
    [['s3:DeleteObject'], 'write'],
    [['s3:Delete*'], 'permissions'],
    [['s3:Put*'], 'permissions'],
    [['s3:PutBucketPolicy'], 'permissions'],
    [['s3:PutBucketAcl'], 'permissions'],
    [['s3:*'], 'permissions'],
    [['*'], 'permissions'],
    [['S3:GETOBJECT', 's3:putobject'], 'write'],
  ])('%j -> %s', (actions, access) => {
    const result = analyseBucketPolicy(policy(statement({ Principal: '*', Action: actions })));
    expect(result).toMatchObject({ ok: true, public: true, access });
  });

  it('treats an Allow with NotAction as able to change permissions', () => {
    expect(analyseBucketPolicy(policy(statement({ Principal: '*', Action: undefined, NotAction: 's3:DeleteBucket' })))).toMatchObject({
      access: 'permissions',
    });
  });

  it('classifies single action patterns', () => {
    expect([s3ActionAccess('s3:GetObject'), s3ActionAccess('s3:PutObjectAcl'), s3ActionAccess('s3:RestoreObject'), s3ActionAccess('sqs:SendMessage')]).toEqual([
      'read',
      'permissions',
      'write',
      'read',
    ]);
  });

  it('reports no access for a non-public policy and a reason for an unreadable one', () => {
    expect(analyseBucketPolicy(policy(statement({ Principal: { AWS: '111122223333' } })))).toEqual({
      ok: true,
      public: false,
      access: undefined,
      statements: [],
    });
    expect(analyseBucketPolicy('not json')).toMatchObject({ ok: false });
  });
});
