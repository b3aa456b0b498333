import { describe, expect, it } from 'vitest';
import { matchesOf, type DetectionMatch } from '../../shared/detections/detection.js';
import { iamWildcardGrant } from '../../shared/detections/iam/iam-wildcard-grant.js';
import { EXAMPLE_CONTEXT, exampleEvent, exampleIdentities } from '../../shared/detections/example-events.js';
import { POLICY_VERSION_FIELD } from '../../shared/policy/policy-versions.js';

const document = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ReadLogs', Effect: 'Allow', Action: 'logs:Get*', Resource: '*' },
    { Sid: 'Escalate', Effect: 'Allow', Action: ['iam:Attach*', 'iam:PassRole'], Resource: '*' },
  ],
});

/** The rule raises at most one match per event. */
const first = (result: DetectionMatch | readonly DetectionMatch[] | undefined): DetectionMatch | undefined => {
  const matches = matchesOf(result);
  expect(matches.length).toBeLessThanOrEqual(1);
  return matches[0];
};

describe('iam-wildcard-grant', () => {
  it('names the principal, the policy, the pattern and the statement in one sentence', () => {
    const match = first(
      iamWildcardGrant.evaluate(
        exampleEvent('iam.amazonaws.com', 'PutRolePolicy', { requestParameters: { roleName: 'ci-deploy', policyName: 'deployer', policyDocument: document } }),
        EXAMPLE_CONTEXT,
      ),
    );
    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice gave IAM role ci-deploy the inline policy deployer, which allows iam:Attach* on every resource (statement 1 (Escalate)).' +
        ' With iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy on every IAM resource, a holder can make itself administrator.',
    );
    expect(match?.severity).toBe('critical');
    expect(match?.details).toMatchObject({
      policyName: 'deployer',
      grants: [{ statementIndex: 1, sid: 'Escalate', kind: 'permissions-management', pattern: 'iam:Attach*' }],
    });
  });

  it('says which patterns reach every resource and which only the listed ones', () => {
    const mixed = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::ops-data' },
      ],
    });
    const match = first(
      iamWildcardGrant.evaluate(
        exampleEvent('iam.amazonaws.com', 'PutUserPolicy', { requestParameters: { userName: 'bob', policyName: 'ops', policyDocument: mixed } }),
        EXAMPLE_CONTEXT,
      ),
    );
    expect(match?.summary).toContain('which allows s3:* on every resource and * on the listed resources (statement 0, statement 1)');
    expect(match?.severity).toBe('high');
  });

  it('builds ARNs in the caller partition', () => {
    const govUser = { ...exampleIdentities.iamUser, arn: 'arn:aws-us-gov:iam::111122223333:user/alice' };
    const match = first(
      iamWildcardGrant.evaluate(
        exampleEvent('iam.amazonaws.com', 'AttachUserPolicy', {
          userIdentity: govUser,
          requestParameters: { userName: 'bob', policyArn: 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess' },
        }),
        EXAMPLE_CONTEXT,
      ),
    );
    expect(match).toMatchObject({ resource: 'arn:aws-us-gov:iam::111122223333:user/bob', severity: 'critical' });
  });

  it('builds the policy ARN from path and name when CreatePolicy recorded no response', () => {
    const match = first(
      iamWildcardGrant.evaluate(
        exampleEvent('iam.amazonaws.com', 'CreatePolicy', {
          requestParameters: {
            policyName: 'Ops',
            path: '/team/',
            policyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }),
          },
        }),
        EXAMPLE_CONTEXT,
      ),
    );
    expect(match?.resource).toBe('arn:aws:iam::111122223333:policy/team/Ops');
  });

  it('says when a new policy version is stored but not yet the default', () => {
    const match = first(
      iamWildcardGrant.evaluate(
        exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
          requestParameters: {
            policyArn: 'arn:aws:iam::111122223333:policy/Ops',
            setAsDefault: false,
            policyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: 'iam:*', Resource: '*' } }),
          },
        }),
        EXAMPLE_CONTEXT,
      ),
    );
    expect(match?.summary).toContain('not the default');
    expect(match?.summary).toContain('not in force');
    // iam:* on every resource is critical in force; stored, one lower, as a finding of its own.
    expect(match).toMatchObject({ severity: 'high', scope: 'version:unrecorded', details: { defaultVersion: false } });
  });

  it('never resolves with a document whose wildcard resource covers every resource of the service', () => {
    const everyBucket = JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:PutBucket*', Resource: 'arn:aws:s3:::*' } });
    const everyIamResource = JSON.stringify({ Statement: { Effect: 'Allow', Action: 'iam:Put*', Resource: 'arn:aws:iam::*:*' } });
    const records = [
      exampleEvent('iam.amazonaws.com', 'PutUserPolicy', { requestParameters: { userName: 'bob', policyName: 'Admin', policyDocument: everyIamResource } }),
      exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
        requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/Ops', setAsDefault: true, policyDocument: everyBucket },
        responseElements: { policyVersion: { versionId: 'v3', isDefaultVersion: true } },
      }),
      exampleEvent('iam.amazonaws.com', 'SetDefaultPolicyVersion', {
        requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/Ops', versionId: 'v3' },
        [POLICY_VERSION_FIELD]: { policyArn: 'arn:aws:iam::111122223333:policy/Ops', versionId: 'v3', document: everyBucket, source: 'seen-earlier' },
      }),
    ];
    for (const record of records) {
      expect(iamWildcardGrant.resolves?.(record, EXAMPLE_CONTEXT), record.eventName).toEqual([]);
      expect(first(iamWildcardGrant.evaluate(record, EXAMPLE_CONTEXT))?.scope, record.eventName).toMatch(/^(inline:Admin|document)$/);
    }
  });

  it('judges SetDefaultPolicyVersion only with the document attached, and says where it came from', () => {
    const request = { policyArn: 'arn:aws:iam::111122223333:policy/Ops', versionId: 'v2' };
    const bare = exampleEvent('iam.amazonaws.com', 'SetDefaultPolicyVersion', { requestParameters: request });
    const enriched = {
      ...bare,
      [POLICY_VERSION_FIELD]: {
        ...request,
        document: JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }),
        source: 'GetPolicyVersion',
      },
    };
    expect(first(iamWildcardGrant.evaluate(bare, EXAMPLE_CONTEXT))).toBeUndefined();
    expect(iamWildcardGrant.resolves?.(bare, EXAMPLE_CONTEXT)).toEqual([]);
    const match = first(iamWildcardGrant.evaluate(enriched, EXAMPLE_CONTEXT));
    expect(match?.summary).toContain('made version v2 the default of arn:aws:iam::111122223333:policy/Ops, which allows * on every resource');
    expect(match?.details).toMatchObject({ versionId: 'v2', documentFrom: 'GetPolicyVersion' });
  });

  it('does not resolve with a non-default version or an unreadable replacement', () => {
    const notDefault = exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
      requestParameters: {
        policyArn: 'arn:aws:iam::111122223333:policy/Ops',
        setAsDefault: false,
        policyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }),
      },
    });
    const unreadable = exampleEvent('iam.amazonaws.com', 'PutUserPolicy', { requestParameters: { userName: 'bob', policyName: 'Admin', policyDocument: '{' } });
    expect(iamWildcardGrant.resolves?.(notDefault, EXAMPLE_CONTEXT)).toEqual([]);
    expect(iamWildcardGrant.resolves?.(unreadable, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('does not resolve on detaching a customer-managed policy', () => {
    const detach = exampleEvent('iam.amazonaws.com', 'DetachRolePolicy', {
      requestParameters: { roleName: 'ci-deploy', policyArn: 'arn:aws:iam::111122223333:policy/Ops' },
    });
    expect(iamWildcardGrant.resolves?.(detach, EXAMPLE_CONTEXT)).toEqual([]);
  });
});
