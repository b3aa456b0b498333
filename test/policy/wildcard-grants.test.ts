import { describe, expect, it } from 'vitest';
import { isEveryAction, isServiceWildcard, permissionsManagementActionsMatching, SELF_ESCALATION_ACTIONS } from '../../shared/policy/actions.js';
import { awsManagedPolicyName, managedPolicyWildcards } from '../../shared/policy/managed-policies.js';
import { coversEveryResource, describeGrants, findWildcardGrants } from '../../shared/policy/wildcard-grants.js';

const policy = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const allow = (fields: Record<string, unknown>) => policy({ Effect: 'Allow', ...fields });

function analyse(input: unknown) {
  const result = findWildcardGrants(input);
  if (!result.ok) throw new Error(`unexpected parse failure: ${result.reason}`);
  return result;
}

describe('findWildcardGrants', () => {
  it.each([
    ['Action "*" on Resource "*"', allow({ Action: '*', Resource: '*' }), 'every-action', 'critical'],
    ['Action "*:*" on Resource "*"', allow({ Action: '*:*', Resource: '*' }), 'every-action', 'critical'],
    ['Action "*" on one bucket', allow({ Action: '*', Resource: 'arn:aws:s3:::b' }), 'every-action', 'high'],
    ['Action "*" with a NotResource', allow({ Action: '*', NotResource: 'arn:aws:s3:::b' }), 'every-action', 'critical'],
    ['an Allow with NotAction on Resource "*"', allow({ NotAction: ['iam:*', 'organizations:*'], Resource: '*' }), 'not-action', 'critical'],
    ['an Allow with NotAction on one resource', allow({ NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' }), 'not-action', 'high'],
    ['a service wildcard s3:*', allow({ Action: 's3:*', Resource: '*' }), 'service-wildcard', 'high'],
    ['a mixed-case service wildcard S3:*', allow({ Action: ['S3:*'], Resource: 'arn:aws:s3:::b' }), 'service-wildcard', 'high'],
    ['iam:* on Resource "*" (a holder can make itself administrator)', allow({ Action: 'iam:*', Resource: '*' }), 'service-wildcard', 'critical'],
    ['iam:* on every IAM resource written as an ARN', allow({ Action: 'iam:*', Resource: 'arn:aws:iam::*:*' }), 'service-wildcard', 'critical'],
    ['iam:* on one user only', allow({ Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:user/bob' }), 'service-wildcard', 'high'],
    ['iam:Put* on Resource "*"', allow({ Action: 'iam:Put*', Resource: '*' }), 'permissions-management', 'critical'],
    ['iam:*Policy* on Resource "*"', allow({ Action: 'iam:*Policy*', Resource: '*' }), 'permissions-management', 'critical'],
    ['iam:Put* on arn:aws:iam::*', allow({ Action: 'iam:Put*', Resource: 'arn:aws:iam::*' }), 'permissions-management', 'critical'],
    [
      'iam:Delete* on Resource "*" (permissions management, no self-escalation)',
      allow({ Action: 'iam:Delete*', Resource: '*' }),
      'permissions-management',
      'high',
    ],
    ['s3:PutBucket* on Resource "*"', allow({ Action: 's3:PutBucket*', Resource: '*' }), 'permissions-management', 'high'],
    [
      's3:PutBucket* on every bucket (arn:aws:s3:::*)',
      allow({ Action: 's3:PutBucket*', Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::*'] }),
      'permissions-management',
      'high',
    ],
    ['IAM:attach?olePolicy in another case', allow({ Action: 'IAM:attach?olePolicy', Resource: ['*'] }), 'permissions-management', 'critical'],
    ['Action "*" on every IAM resource (only IAM, but enough to escalate)', allow({ Action: '*', Resource: 'arn:aws:iam::*:*' }), 'every-action', 'critical'],
    ['an Allow with NotAction s3:* on every IAM resource', allow({ NotAction: 's3:*', Resource: 'arn:aws:iam::*:*' }), 'not-action', 'critical'],
    ['Action "*" excluding only S3 (NotResource arn:aws:s3:::*)', allow({ Action: '*', NotResource: 'arn:aws:s3:::*' }), 'every-action', 'critical'],
  ])('flags %s', (_name, document, kind, severity) => {
    const result = analyse(document);
    expect(result.grants.map((grant) => grant.kind)).toEqual([kind]);
    expect(result.severity).toBe(severity);
  });

  it.each([
    ['a Deny of everything', policy({ Effect: 'Deny', Action: '*', Resource: '*' })],
    ['exact actions', allow({ Action: ['iam:PutUserPolicy', 's3:GetObject'], Resource: '*' })],
    ['a partial pattern on a named resource', allow({ Action: 'iam:Put*', Resource: 'arn:aws:iam::111122223333:user/bob' })],
    ['a partial pattern that reaches no permissions-management action', allow({ Action: ['iam:Get*', 'iam:List*', 's3:GetObject*'], Resource: '*' })],
    ['a read-verb pattern AWS labels oddly (backup:List*)', allow({ Action: 'backup:List*', Resource: '*' })],
    ['NotAction "*" (excludes everything)', allow({ NotAction: '*', Resource: '*' })],
    ['a statement without Action', allow({ Resource: '*' })],
    ['NotResource "*" (excludes every resource)', allow({ Action: '*', NotResource: '*' })],
    ['NotAction with NotResource "*"', allow({ NotAction: 'iam:*', NotResource: ['*'] })],
    ['s3:* excluding every S3 resource', allow({ Action: 's3:*', NotResource: 'arn:aws:s3:::*' })],
    ['a NotResource that names nothing readable', allow({ Action: 's3:*', NotResource: [42] })],
    ['a partial pattern on every resource of another service', allow({ Action: 'iam:Put*', Resource: 'arn:aws:s3:::*' })],
  ])('does not flag %s', (_name, document) => {
    const result = analyse(document);
    expect(result.grants).toEqual([]);
    expect(result.severity).toBeUndefined();
  });

  it('names the statement, its Sid and the matched pattern', () => {
    const result = analyse(
      policy(
        { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Sid: 'Escalate', Effect: 'Allow', Action: ['iam:Get*', 'iam:Attach*'], Resource: '*' },
      ),
    );
    expect(result.grants).toHaveLength(1);
    expect(result.grants[0]).toMatchObject({ statementIndex: 1, sid: 'Escalate', pattern: 'iam:Attach*', everyResource: true });
    expect(result.grants[0]?.reaches).toEqual(expect.arrayContaining(['iam:AttachRolePolicy', 'iam:AttachUserPolicy', 'iam:AttachGroupPolicy']));
    expect(result.grants[0]?.reaches.every((action) => action.startsWith('iam:Attach'))).toBe(true);
  });

  it('is critical when any statement grants everything on everything', () => {
    const result = analyse(policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: '*' }));
    expect(result.grants.map((g) => g.severity)).toEqual(['high', 'critical']);
    expect(result.severity).toBe('critical');
  });

  it('says which grants reach every resource and which let a holder make itself administrator', () => {
    const result = analyse(
      policy(
        { Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:*' },
        { Effect: 'Allow', Action: 'iam:Attach*', Resource: '*' },
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
      ),
    );
    expect(result.grants.map(({ everyResource, selfEscalation }) => ({ everyResource, selfEscalation }))).toEqual([
      { everyResource: false, selfEscalation: SELF_ESCALATION_ACTIONS },
      { everyResource: true, selfEscalation: ['iam:AttachGroupPolicy', 'iam:AttachRolePolicy', 'iam:AttachUserPolicy'] },
      { everyResource: true, selfEscalation: [] },
    ]);
  });

  it('counts only the actions a partial pattern reaches on every resource of their own service', () => {
    const result = analyse(allow({ Action: '*:Put*Policy', Resource: 'arn:aws:s3:::*' }));
    expect(result.grants[0]?.reaches.length).toBeGreaterThan(0);
    expect(result.grants[0]?.reaches.every((action) => action.startsWith('s3:'))).toBe(true);
    expect(result.grants[0]?.selfEscalation).toEqual([]);
  });

  it('marks a grant narrowed by a Condition, without changing its severity', () => {
    const result = analyse(allow({ Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
    expect(result.grants[0]).toMatchObject({ conditional: true, severity: 'critical' });
  });

  it('reads a URL-encoded document and a single Statement with a string Action', () => {
    const encoded = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iam:*', Resource: '*' } }));
    expect(analyse(encoded).grants.map((g) => g.pattern)).toEqual(['iam:*']);
  });

  it('reports an unreadable document as a reason', () => {
    expect(findWildcardGrants('{"Statement": [')).toMatchObject({ ok: false });
  });

  it('describes patterns briefly for summaries', () => {
    const result = analyse(allow({ Action: ['a:*', 'b:*', 'c:*', 'd:*', 'e:*', 'f:*'], Resource: '*' }));
    expect(describeGrants(result.grants)).toBe('a:*, b:*, c:*, d:* and 2 more');
  });
});

describe('coversEveryResource', () => {
  it.each([
    ['*', undefined, true],
    ['arn:*', undefined, true],
    ['arn:aws:*', undefined, true],
    ['arn:aws:*:*:*:*', undefined, true],
    ['arn:aws-us-gov:*:*:*:*', undefined, true],
    ['arn:aws:s3:::*', undefined, false],
    ['arn:aws:s3:::*', 's3', true],
    ['arn:aws:s3:::*', 'iam', false],
    ['arn:aws:iam::*:*', 'iam', true],
    ['arn:aws:iam::*', 'IAM', true],
    ['arn:aws:ec2:*:*:*', 'ec2', true],
    ['arn:aws:iam::111122223333:*', 'iam', false],
    ['arn:aws:ec2:eu-west-1:*:*', 'ec2', false],
    ['arn:aws:iam::*:user/*', 'iam', false],
    ['arn:aws:s3:::*/*', 's3', false],
    ['arn:aws:s3', 's3', false],
    ['arn:aws:s3:::bucket-*', 's3', false],
    ['not-an-arn:*', undefined, false],
    ['', undefined, false],
  ])('%s covers every resource of %s: %s', (pattern, service, expected) => {
    expect(coversEveryResource(pattern, service)).toBe(expected);
  });
});

describe('action patterns', () => {
  it.each([
    ['*', true, false],
    ['*:*', true, false],
    ['s3:*', false, true],
    ['IAM:*', false, true],
    ['s3:Get*', false, false],
    ['s*:*', false, false],
  ])('%s: every action %s, service wildcard %s', (pattern, every, service) => {
    expect(isEveryAction(pattern)).toBe(every);
    expect(isServiceWildcard(pattern)).toBe(service);
  });

  it('expands a pattern against permissions-management actions only', () => {
    expect(permissionsManagementActionsMatching('iam:PutUserPolicy')).toEqual(['iam:PutUserPolicy']);
    expect(permissionsManagementActionsMatching('iam:CreateUser')).toEqual([]);
    expect(permissionsManagementActionsMatching('s3:PutBucket*')).toEqual(
      expect.arrayContaining(['s3:PutBucketPolicy', 's3:PutBucketAcl', 's3:PutBucketPublicAccessBlock']),
    );
    expect(permissionsManagementActionsMatching('s3:PutBucket*')).not.toContain('s3:PutBucketVersioning');
  });
});

describe('AWS-managed policies', () => {
  it.each([
    ['AdministratorAccess', 'critical', '*'],
    ['PowerUserAccess', 'critical', undefined],
    ['IAMFullAccess', 'critical', 'iam:*'],
    ['AmazonS3FullAccess', 'high', 's3:*'],
  ])('lists %s as %s', (name, severity, pattern) => {
    const found = managedPolicyWildcards(`arn:aws:iam::aws:policy/${name}`);
    expect(found?.severity).toBe(severity);
    if (pattern !== undefined) expect(found?.patterns).toContain(pattern);
  });

  it('finds a policy by ARN in another partition and with a path', () => {
    expect(managedPolicyWildcards('arn:aws-us-gov:iam::aws:policy/AdministratorAccess')?.severity).toBe('critical');
    expect(awsManagedPolicyName('arn:aws:iam::aws:policy/job-function/NetworkAdministrator')).toBe('job-function/NetworkAdministrator');
  });

  it.each([
    ['a read-only managed policy', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    ['SecurityAudit', 'arn:aws:iam::aws:policy/SecurityAudit'],
    ['a customer policy of the same name', 'arn:aws:iam::111122223333:policy/AdministratorAccess'],
    ['an unknown managed policy', 'arn:aws:iam::aws:policy/NoSuchPolicy'],
    ['an inherited object key', 'arn:aws:iam::aws:policy/constructor'],
  ])('does not list %s', (_name, arn) => {
    expect(managedPolicyWildcards(arn)).toBeUndefined();
  });
});
