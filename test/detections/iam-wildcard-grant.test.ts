import { describe, expect, it } from 'vitest';
import { iamWildcardGrant } from '../../shared/detections/iam/iam-wildcard-grant.js';
import { EXAMPLE_CONTEXT, exampleEvent, exampleIdentities } from '../../shared/detections/example-events.js';

const document = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ReadLogs', Effect: 'Allow', Action: 'logs:Get*', Resource: '*' },
    { Sid: 'Escalate', Effect: 'Allow', Action: ['iam:Attach*', 'iam:PassRole'], Resource: '*' },
  ],
});

describe('iam-wildcard-grant', () => {
  it('names the principal, the policy, the pattern and the statement in one sentence', () => {
    const match = iamWildcardGrant.evaluate(exampleEvent('iam.amazonaws.com', 'PutRolePolicy', { requestParameters: { roleName: 'ci-deploy', policyName: 'deployer', policyDocument: document } }), EXAMPLE_CONTEXT);
    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice gave IAM role ci-deploy the inline policy deployer, which allows iam:Attach* on every resource (statement 1 (Escalate)).',
    );
    expect(match?.details).toMatchObject({ policyName: 'deployer', grants: [{ statementIndex: 1, sid: 'Escalate', kind: 'permissions-management', pattern: 'iam:Attach*' }] });
  });

  it('says which patterns reach every resource and which only the listed ones', () => {
    const mixed = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::ops-data' }] });
    const match = iamWildcardGrant.evaluate(exampleEvent('iam.amazonaws.com', 'PutUserPolicy', { requestParameters: { userName: 'bob', policyName: 'ops', policyDocument: mixed } }), EXAMPLE_CONTEXT);
    expect(match?.summary).toContain('which allows s3:* on every resource and * on the listed resources (statement 0, statement 1)');
    expect(match?.severity).toBe('high');
  });

  it('builds ARNs in the caller partition', () => {
    const govUser = { ...exampleIdentities.iamUser, arn: 'arn:aws-us-gov:iam::111122223333:user/alice' };
    const match = iamWildcardGrant.evaluate(
      exampleEvent('iam.amazonaws.com', 'AttachUserPolicy', { userIdentity: govUser, requestParameters: { userName: 'bob', policyArn: 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess' } }), EXAMPLE_CONTEXT,
    );
    expect(match).toMatchObject({ resource: 'arn:aws-us-gov:iam::111122223333:user/bob', severity: 'critical' });
  });

  it('builds the policy ARN from path and name when CreatePolicy recorded no response', () => {
    const match = iamWildcardGrant.evaluate(
      exampleEvent('iam.amazonaws.com', 'CreatePolicy', { requestParameters: { policyName: 'Ops', path: '/team/', policyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }) } }), EXAMPLE_CONTEXT,
    );
    expect(match?.resource).toBe('arn:aws:iam::111122223333:policy/team/Ops');
  });

  it('says when a new policy version is stored but not yet the default', () => {
    const match = iamWildcardGrant.evaluate(
      exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
        requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/Ops', setAsDefault: false, policyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: 'iam:*', Resource: '*' } }) },
      }), EXAMPLE_CONTEXT,
    );
    expect(match?.summary).toContain('not yet default');
    expect(match?.details).toMatchObject({ defaultVersion: false });
  });

  it('does not resolve with a non-default version or an unreadable replacement', () => {
    const notDefault = exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
      requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/Ops', setAsDefault: false, policyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }) },
    });
    const unreadable = exampleEvent('iam.amazonaws.com', 'PutUserPolicy', { requestParameters: { userName: 'bob', policyName: 'Admin', policyDocument: '{' } });
    expect(iamWildcardGrant.resolves?.(notDefault, EXAMPLE_CONTEXT)).toEqual([]);
    expect(iamWildcardGrant.resolves?.(unreadable, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('does not resolve on detaching a customer-managed policy', () => {
    const detach = exampleEvent('iam.amazonaws.com', 'DetachRolePolicy', { requestParameters: { roleName: 'ci-deploy', policyArn: 'arn:aws:iam::111122223333:policy/Ops' } });
    expect(iamWildcardGrant.resolves?.(detach, EXAMPLE_CONTEXT)).toEqual([]);
  });
});
