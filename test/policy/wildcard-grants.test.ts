import { describe, expect, it } from 'vitest';
import { isEveryAction, isServiceWildcard, permissionsManagementActionsMatching } from '../../shared/policy/actions.js';
import { awsManagedPolicyName, managedPolicyWildcards } from '../../shared/policy/managed-policies.js';
import { describeGrants, findWildcardGrants } from '../../shared/policy/wildcard-grants.js';

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
    ['iam:Put* on Resource "*"', allow({ Action: 'iam:Put*', Resource: '*' }), 'permissions-management', 'high'],
    ['iam:*Policy* on Resource "*"', allow({ Action: 'iam:*Policy*', Resource: '*' }), 'permissions-management', 'high'],
    ['s3:PutBucket* on Resource "*"', allow({ Action: 's3:PutBucket*', Resource: '*' }), 'permissions-management', 'high'],
    ['IAM:attach?olePolicy in another case', allow({ Action: 'IAM:attach?olePolicy', Resource: ['*'] }), 'permissions-management', 'high'],
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
  ])('does not flag %s', (_name, document) => {
    const result = analyse(document);
    expect(result.grants).toEqual([]);
    expect(result.severity).toBeUndefined();
  });

  it('names the statement, its Sid and the matched pattern', () => {
    const result = analyse(policy({ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Sid: 'Escalate', Effect: 'Allow', Action: ['iam:Get*', 'iam:Attach*'], Resource: '*' }));
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
    expect(permissionsManagementActionsMatching('s3:PutBucket*')).toEqual(expect.arrayContaining(['s3:PutBucketPolicy', 's3:PutBucketAcl', 's3:PutBucketPublicAccessBlock']));
    expect(permissionsManagementActionsMatching('s3:PutBucket*')).not.toContain('s3:PutBucketVersioning');
  });
});

describe('AWS-managed policies', () => {
  it.each([
    ['AdministratorAccess', 'critical', '*'],
    ['PowerUserAccess', 'critical', undefined],
    ['IAMFullAccess', 'high', 'iam:*'],
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
