import { describe, expect, it } from 'vitest';
import { analyseTrustPolicy } from '../../shared/policy/trust-policy.js';

const GITHUB = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const policy = (statement: object) => ({ Version: '2012-10-17', Statement: [statement] });
const isPublic = (statement: object): boolean => {
  const analysis = analyseTrustPolicy(policy(statement));
  if (!analysis.ok) throw new Error(analysis.reason);
  return analysis.public;
};

describe('analyseTrustPolicy', () => {
  it.each([
    ['Principal "*"', { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, true],
    [
      'AWS "*" pinned to an account by aws:PrincipalAccount',
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } },
      false,
    ],
    [
      'AWS "*" with an IfExists condition (true when the key is absent)',
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } } },
      true,
    ],
    [
      'AWS "*" limited only by sts:ExternalId (a shared secret, not an identity)',
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } },
      true,
    ],
    [
      'AWS "*" with an org id wildcard',
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringLike: { 'aws:PrincipalOrgID': 'o-*' } } },
      true,
    ],
    [
      'GitHub sub pinned to an owner with wildcards after it',
      {
        Effect: 'Allow',
        Principal: { Federated: GITHUB },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/*', 'repo:acme-labs/site:ref:refs/heads/main'] } },
      },
      false,
    ],
    [
      'GitHub sub list with one wildcard owner',
      {
        Effect: 'Allow',
        Principal: { Federated: GITHUB },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/*', 'repo:*/infra:*'] } },
      },
      true,
    ],
    [
      'GitHub sub under a negated operator',
      {
        Effect: 'Allow',
        Principal: { Federated: GITHUB },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringNotEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } },
      },
      true,
    ],
    [
      'GitHub by bare host name',
      { Effect: 'Allow', Principal: { Federated: 'token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
      true,
    ],
    [
      'Cognito with a fixed aud',
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:1234abcd-0000-0000-0000-000000000000' } },
      },
      false,
    ],
    [
      'an EKS OIDC provider (scoped by the cluster)',
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC' },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
      false,
    ],
    ['NotPrincipal', { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }, true],
    [
      'AWS "*" pinned to an organization path, as the resource-policy engine reads it',
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/' } },
      },
      false,
    ],
    [
      'AWS "*" pinned to one outside account (outside, not public: iam-role-trust-outside judges it)',
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalAccount': '999988887777' } } },
      false,
    ],
  ])('%s', (_name, statement, expected) => {
    expect(isPublic(statement)).toBe(expected);
  });

  it('names the statement and the reason', () => {
    const analysis = analyseTrustPolicy(JSON.stringify({ Statement: { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' } }));
    expect(analysis).toMatchObject({ ok: true, public: true, statements: [{ statementIndex: 0, sid: 'Open', label: 'statement 0 (Open)' }] });
  });

  it('reports an unreadable document instead of throwing', () => {
    expect(analyseTrustPolicy('%7Bbroken')).toMatchObject({ ok: false });
  });
});
