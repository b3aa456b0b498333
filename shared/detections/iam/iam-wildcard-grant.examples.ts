import { POLICY_VERSION_FIELD } from '../../policy/policy-versions.js';
import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const iam = (eventName: string, requestParameters: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  exampleEvent('iam.amazonaws.com', eventName, { requestParameters, ...rest });

// CloudTrail records IAM policy documents as JSON strings, with the whitespace the caller sent.
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 4);

const adminDocument = doc({ Sid: 'FullAdmin', Effect: 'Allow', Action: '*', Resource: '*' });
const readOnlyDocument = doc({
  Sid: 'ReadReports',
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'],
});

const bob = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob`;
const ciRole = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/ci-deploy`;
const devsGroup = `arn:aws:iam::${EXAMPLE_ACCOUNT}:group/developers`;
const customerPolicy = `arn:aws:iam::${EXAMPLE_ACCOUNT}:policy/ops/OpsAccess`;

const createPolicyResponse = {
  policy: {
    policyName: 'OpsAccess',
    policyId: 'ANPAEXAMPLEPOLICY0001',
    arn: customerPolicy,
    path: '/ops/',
    defaultVersionId: 'v1',
    attachmentCount: 0,
    permissionsBoundaryUsageCount: 0,
    isAttachable: true,
    createDate: 'Nov 20, 2026 10:15:30 AM',
    updateDate: 'Nov 20, 2026 10:15:30 AM',
  },
};
const policyVersion = (versionId: string, isDefaultVersion: boolean) => ({
  policyVersion: { versionId, isDefaultVersion, createDate: 'Nov 20, 2026 10:15:30 AM' },
});

/**
 * SetDefaultPolicyVersion as CloudTrail records it (only the policy ARN and the version id), with the
 * version's document as the enrichment attaches it before the engine runs (shared/policy/policy-versions.ts).
 */
const setDefault = (versionId: string, attached?: { document: unknown; source: string; versionId?: string }) =>
  iam(
    'SetDefaultPolicyVersion',
    { policyArn: customerPolicy, versionId },
    attached === undefined ? {} : { [POLICY_VERSION_FIELD]: { policyArn: customerPolicy, versionId, ...attached } },
  );

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'inline policy allowing * on * for a user',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'Admin', policyDocument: adminDocument }),
      expect: { severity: 'critical', resource: bob, scope: 'inline:Admin' },
    },
    {
      name: 'inline role policy with a single Statement object and mixed-case IAM:*',
      record: iam(
        'PutRolePolicy',
        {
          roleName: 'ci-deploy',
          policyName: 'iam-management',
          policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'IAM:*', Resource: '*' } }),
        },
        { userIdentity: exampleIdentities.assumedRole },
      ),
      expect: { severity: 'critical', resource: ciRole, scope: 'inline:iam-management' },
    },
    {
      name: 'inline group policy with NotAction (everything except IAM) on every resource',
      record: iam('PutGroupPolicy', {
        groupName: 'developers',
        policyName: 'PowerUser',
        policyDocument: doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }),
      }),
      expect: { severity: 'critical', resource: devsGroup, scope: 'inline:PowerUser' },
    },
    {
      name: 'partial pattern iam:*Policy* on every resource reaches permissions management',
      record: iam('PutUserPolicy', {
        userName: 'bob',
        policyName: 'policy-editor',
        policyDocument: doc({ Sid: 'EditPolicies', Effect: 'Allow', Action: ['iam:Get*', 'iam:*Policy*'], Resource: '*' }),
      }),
      expect: { severity: 'critical', resource: bob, scope: 'inline:policy-editor' },
    },
    {
      name: 'partial pattern s3:PutBucket* on every bucket written as an ARN (arn:aws:s3:::*)',
      record: iam('PutUserPolicy', {
        userName: 'bob',
        policyName: 'bucket-admin',
        policyDocument: doc({ Effect: 'Allow', Action: 's3:PutBucket*', Resource: 'arn:aws:s3:::*' }),
      }),
      expect: { severity: 'high', resource: bob, scope: 'inline:bucket-admin' },
    },
    {
      name: 'iam:* on every IAM resource written as an ARN (arn:aws:iam::*:*)',
      record: iam('PutUserPolicy', {
        userName: 'bob',
        policyName: 'iam-admin',
        policyDocument: doc({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:*' }),
      }),
      expect: { severity: 'critical', resource: bob, scope: 'inline:iam-admin' },
    },
    {
      name: 'URL-encoded policy document',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'Admin', policyDocument: encodeURIComponent(adminDocument) }),
      expect: { severity: 'critical', resource: bob, scope: 'inline:Admin' },
    },
    {
      name: 'AdministratorAccess attached to a user',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      expect: { severity: 'critical', resource: bob, scope: 'attached:arn:aws:iam::aws:policy/AdministratorAccess' },
    },
    {
      name: 'IAMFullAccess attached to a role',
      record: iam(
        'AttachRolePolicy',
        { roleName: 'ci-deploy', policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' },
        { userIdentity: exampleIdentities.assumedRole },
      ),
      expect: { severity: 'critical', resource: ciRole, scope: 'attached:arn:aws:iam::aws:policy/IAMFullAccess' },
    },
    {
      name: 'AmazonS3FullAccess attached to a group',
      record: iam('AttachGroupPolicy', { groupName: 'developers', policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }),
      expect: { severity: 'high', resource: devsGroup, scope: 'attached:arn:aws:iam::aws:policy/AmazonS3FullAccess' },
    },
    {
      name: 'customer-managed policy created with s3:* and * on one bucket',
      record: iam(
        'CreatePolicy',
        {
          policyName: 'OpsAccess',
          path: '/ops/',
          policyDocument: doc({ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::ops-data' }),
        },
        { responseElements: createPolicyResponse },
      ),
      expect: { severity: 'high', resource: customerPolicy, scope: 'document' },
    },
    {
      name: 'new default policy version granting everything (privilege escalation by CreatePolicyVersion)',
      record: iam(
        'CreatePolicyVersion',
        { policyArn: customerPolicy, policyDocument: adminDocument, setAsDefault: true },
        { responseElements: policyVersion('v2', true) },
      ),
      expect: { severity: 'critical', resource: customerPolicy, scope: 'document' },
    },
    {
      name: 'a version granting everything stored but not made the default (one severity lower, its own finding)',
      record: iam(
        'CreatePolicyVersion',
        { policyArn: customerPolicy, policyDocument: adminDocument, setAsDefault: false },
        { responseElements: policyVersion('v2', false) },
      ),
      expect: { severity: 'high', resource: customerPolicy, scope: 'version:v2' },
    },
    {
      name: 'SetDefaultPolicyVersion to a version granting everything, seen earlier',
      record: setDefault('v2', { document: adminDocument, source: 'seen-earlier' }),
      expect: { severity: 'critical', resource: customerPolicy, scope: 'document' },
    },
    {
      name: 'SetDefaultPolicyVersion to a version read with GetPolicyVersion (URL-encoded document)',
      record: setDefault('v4', { document: encodeURIComponent(doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' })), source: 'GetPolicyVersion' }),
      expect: { severity: 'critical', resource: customerPolicy, scope: 'document' },
    },
  ],
  negative: [
    {
      name: 'least-privilege inline policy',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'reports', policyDocument: readOnlyDocument }),
    },
    {
      name: 'Deny * on * (a guard rail, grants nothing)',
      record: iam('PutRolePolicy', { roleName: 'ci-deploy', policyName: 'deny-all', policyDocument: doc({ Effect: 'Deny', Action: '*', Resource: '*' }) }),
    },
    {
      name: 'partial pattern on a specific resource only',
      record: iam('PutUserPolicy', {
        userName: 'bob',
        policyName: 'own-keys',
        policyDocument: doc({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/bob` }),
      }),
    },
    {
      name: 'partial pattern that reaches no permissions-management action',
      record: iam('PutUserPolicy', {
        userName: 'bob',
        policyName: 'readers',
        policyDocument: doc({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 's3:Get*'], Resource: '*' }),
      }),
    },
    {
      name: 'read-only AWS-managed policy attached',
      record: iam('AttachUserPolicy', { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    },
    {
      name: 'customer-managed policy attached (judged when it was written)',
      record: iam('AttachRolePolicy', { roleName: 'ci-deploy', policyArn: customerPolicy }),
    },
    {
      name: 'policy document that is not JSON',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'broken', policyDocument: '{"Version": "2012-10-17", "Statement": [' }),
    },
    {
      name: 'inline policy deleted',
      record: iam('DeleteUserPolicy', { userName: 'bob', policyName: 'Admin' }),
    },
    {
      name: 'Action * with NotResource * (excludes every resource, grants nothing)',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'nothing', policyDocument: doc({ Effect: 'Allow', Action: '*', NotResource: '*' }) }),
    },
    {
      name: 'a least-privilege version stored but not made the default',
      record: iam(
        'CreatePolicyVersion',
        { policyArn: customerPolicy, policyDocument: readOnlyDocument, setAsDefault: false },
        { responseElements: policyVersion('v3', false) },
      ),
    },
    {
      name: 'SetDefaultPolicyVersion whose document is not known (nothing seen, nothing read)',
      record: setDefault('v2'),
    },
    {
      name: 'SetDefaultPolicyVersion with a document attached for another version',
      record: setDefault('v2', { document: adminDocument, source: 'seen-earlier', versionId: 'v1' }),
    },
  ],
  resolving: [
    {
      name: 'inline policy deleted',
      record: iam('DeleteUserPolicy', { userName: 'bob', policyName: 'Admin' }),
      removes: [{ resource: bob, scope: 'inline:Admin' }],
    },
    {
      name: 'inline policy of the same name replaced by a least-privilege one',
      record: iam('PutUserPolicy', { userName: 'bob', policyName: 'Admin', policyDocument: readOnlyDocument }),
      removes: [{ resource: bob, scope: 'inline:Admin' }],
    },
    {
      name: 'role inline policy deleted',
      record: iam('DeleteRolePolicy', { roleName: 'ci-deploy', policyName: 'iam-management' }),
      removes: [{ resource: ciRole, scope: 'inline:iam-management' }],
    },
    {
      name: 'AdministratorAccess detached',
      record: iam('DetachUserPolicy', { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      removes: [{ resource: bob, scope: 'attached:arn:aws:iam::aws:policy/AdministratorAccess' }],
    },
    {
      name: 'group deleted',
      record: iam('DeleteGroup', { groupName: 'developers' }),
      removes: [{ resource: devsGroup, scope: undefined }],
    },
    {
      name: 'user deleted',
      record: iam('DeleteUser', { userName: 'bob' }),
      removes: [{ resource: bob, scope: undefined }],
    },
    {
      name: 'customer-managed policy deleted',
      record: iam('DeletePolicy', { policyArn: customerPolicy }),
      removes: [{ resource: customerPolicy, scope: undefined }],
    },
    {
      name: 'new default version without wildcards',
      record: iam(
        'CreatePolicyVersion',
        { policyArn: customerPolicy, policyDocument: readOnlyDocument, setAsDefault: true },
        { responseElements: policyVersion('v3', true) },
      ),
      removes: [{ resource: customerPolicy, scope: 'document' }],
    },
    {
      name: 'SetDefaultPolicyVersion back to a known least-privilege version',
      record: setDefault('v1', { document: readOnlyDocument, source: 'seen-earlier' }),
      removes: [{ resource: customerPolicy, scope: 'document' }],
    },
    {
      name: 'a stored version deleted',
      record: iam('DeletePolicyVersion', { policyArn: customerPolicy, versionId: 'v2' }),
      removes: [{ resource: customerPolicy, scope: 'version:v2' }],
    },
  ],
};
