// The IAM state reader against moto over HTTP: an account seeded with known risks and look-alikes is
// scanned, the exact findings are asserted, and each is checked to carry the finding id its event
// would give; then risks are removed, the account rescanned, and what is gone is resolved.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../shared/policy/boundary.js';
import type { ScanReport } from '../../shared/scan/reader.js';
import { iamReader } from '../../shared/scan/readers/iam.js';
import { recordScan } from '../../shared/scan/record.js';
import { detected as storedDetection, evaluation } from '../support/findings-factory.js';
import { useMoto } from '../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from './harness.js';

const moto = useMoto({ loadManagedPolicies: true });
const iam = motoClients(moto, (config) => new IAMClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const QUARANTINE = 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2';
const arn = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const document = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
const trust = (principal: unknown) => document({ Principal: principal, Action: 'sts:AssumeRole' });
const EVERYTHING = document({ Action: '*', Resource: '*' });
const NARROW = document({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, iamReader, { context, regions: [] });
}

beforeAll(async () => {
  // Risks.
  await iam().send(new CreateRoleCommand({ RoleName: 'public-role', AssumeRolePolicyDocument: trust('*') }));
  await iam().send(new CreateRoleCommand({ RoleName: 'partner-role', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${OUTSIDE}:root` }) }));
  await iam().send(new CreateUserCommand({ UserName: 'alice' }));
  await iam().send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'admin-inline', PolicyDocument: EVERYTHING }));
  await iam().send(new CreateUserCommand({ UserName: 'bob' }));
  await iam().send(new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: ADMIN }));
  await iam().send(new CreateUserCommand({ UserName: 'carol' }));
  await iam().send(new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: QUARANTINE }));
  await iam().send(new CreateGroupCommand({ GroupName: 'admins' }));
  await iam().send(new AttachGroupPolicyCommand({ GroupName: 'admins', PolicyArn: ADMIN }));
  const open = await iam().send(new CreatePolicyCommand({ PolicyName: 'open-s3', PolicyDocument: document({ Action: 's3:*', Resource: '*' }) }));
  const wide = await iam().send(new CreatePolicyCommand({ PolicyName: 'was-wide', PolicyDocument: document({ Action: 'iam:*', Resource: '*' }) }));
  await iam().send(new CreatePolicyVersionCommand({ PolicyArn: wide.Policy?.Arn, PolicyDocument: NARROW, SetAsDefault: true }));
  expect(open.Policy?.Arn).toBe(arn('policy', 'open-s3'));
  await iam().send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, PasswordReusePrevention: 24 }));
  // Look-alikes: trusted and service principals, narrow grants, a user whose access comes from a group.
  await iam().send(new CreateRoleCommand({ RoleName: 'trusted-role', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${TRUSTED}:root` }) }));
  await iam().send(new CreateRoleCommand({ RoleName: 'lambda-role', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
  await iam().send(new PutRolePolicyCommand({ RoleName: 'lambda-role', PolicyName: 'reports', PolicyDocument: NARROW }));
  await iam().send(new CreateGroupCommand({ GroupName: 'readers' }));
  await iam().send(new PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'reports', PolicyDocument: NARROW }));
  await iam().send(new CreateUserCommand({ UserName: 'dave' }));
  await iam().send(new AddUserToGroupCommand({ UserName: 'dave', GroupName: 'readers' }));
}, 60_000);

describe('the IAM state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(report.coverage).toEqual([{ reader: 'iam', ruleIds: iamReader.ruleIds, region: undefined, exceptResources: [] }]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [
        `iam-password-policy-weakened arn:aws:iam::${ACCOUNT}:account-password-policy - medium`,
        `iam-policy-attached-to-user ${arn('user', 'alice')} inline:admin-inline low`,
        `iam-policy-attached-to-user ${arn('user', 'bob')} attached:${ADMIN} low`,
        `iam-role-trust-outside ${arn('role', 'partner-role')} - high`,
        `iam-role-trust-public ${arn('role', 'public-role')} - critical`,
        `iam-user-compromised-key-quarantine ${arn('user', 'carol')} - critical`,
        `iam-wildcard-grant ${arn('group', 'admins')} attached:${ADMIN} critical`,
        `iam-wildcard-grant ${arn('policy', 'open-s3')} document high`,
        `iam-wildcard-grant ${arn('policy', 'was-wide')} version:v1 high`,
        `iam-wildcard-grant ${arn('user', 'alice')} inline:admin-inline critical`,
        `iam-wildcard-grant ${arn('user', 'bob')} attached:${ADMIN} critical`,
      ].sort(),
    );
    expect(report.counts).toEqual({ users: 4, groups: 2, roles: 4, policies: 2 });
  });

  it('says in each finding that a scan found it, by whom, with the rule own evidence', async () => {
    const report = await scan();
    const publicRole = report.detected.find((item) => item.ruleId === 'iam-role-trust-public');

    expect(publicRole).toMatchObject({
      eventName: 'Scan',
      actor: arn('user', 'auditor'),
      actorType: 'Scan',
      region: 'us-east-1',
      account: ACCOUNT,
      details: { role: 'public-role' },
    });
    expect(publicRole?.summary).toMatch(
      /^Someone created role public-role so that anyone can assume it .*\(Found by a scan at \d{4}-\d\d-\d\dT[\d:]+Z: who made the change, and when, is not known\.\)$/,
    );
    expect(publicRole?.eventId).toBe(`scan:${report.startedAt}:${publicRole?.findingId}`);
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('CreateRole', { roleName: 'public-role', assumeRolePolicyDocument: trust('*') }),
      event('CreateRole', { roleName: 'partner-role', path: '/', assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${OUTSIDE}:root` }) }),
      event('PutUserPolicy', { userName: 'alice', policyName: 'admin-inline', policyDocument: EVERYTHING }),
      event('AttachUserPolicy', { userName: 'bob', policyArn: ADMIN }),
      event('AttachUserPolicy', { userName: 'carol', policyArn: QUARANTINE }),
      event('AttachGroupPolicy', { groupName: 'admins', policyArn: ADMIN }),
      event(
        'CreatePolicy',
        { policyName: 'open-s3', policyDocument: document({ Action: 's3:*', Resource: '*' }) },
        { policy: { arn: arn('policy', 'open-s3'), defaultVersionId: 'v1' } },
      ),
      event('UpdateAccountPasswordPolicy', { minimumPasswordLength: 8, passwordReusePrevention: 24 }),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(10);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves what is gone on the next scan, and keeps what is still there', async () => {
    // An event finding on a role that no longer exists, and one of a rule the scan does not read.
    const ghost = storedDetection({ ruleId: 'iam-role-trust-public', resource: arn('role', 'ghost'), scope: undefined, eventTime: '2024-05-01T12:00:00Z' });
    const rootKey = storedDetection({ eventTime: '2024-05-01T12:00:00Z' });
    await opened.store.apply(evaluation({ detected: [ghost, rootKey] }));
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(11);
    expect(first.resolved.map((change) => change.findingId)).toEqual([ghost.findingId]);

    await iam().send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'admin-inline' }));
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'public-role', PolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
    await iam().send(new DetachUserPolicyCommand({ UserName: 'bob', PolicyArn: ADMIN }));
    await iam().send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, PasswordReusePrevention: 24 }));
    await aSecondLater();
    const report = await scan();
    const second = await recordScan(opened.store, report);

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(resolved).toEqual(
      [
        `iam-password-policy-weakened arn:aws:iam::${ACCOUNT}:account-password-policy -`,
        `iam-policy-attached-to-user ${arn('user', 'alice')} inline:admin-inline`,
        `iam-policy-attached-to-user ${arn('user', 'bob')} attached:${ADMIN}`,
        `iam-role-trust-public ${arn('role', 'public-role')} -`,
        `iam-wildcard-grant ${arn('user', 'alice')} inline:admin-inline`,
        `iam-wildcard-grant ${arn('user', 'bob')} attached:${ADMIN}`,
      ].sort(),
    );
    expect(second.resolved[0]?.finding?.history.at(-1)).toEqual({
      at: report.startedAt,
      status: 'resolved',
      reason: `no longer present at ${report.startedAt}`,
      by: `scan:${report.startedAt}`,
    });
    expect(second.written.map((change) => change.outcome)).toEqual(Array(5).fill('updated'));
    expect(await opened.store.get(rootKey.findingId)).toMatchObject({ status: 'open' });
  });
});

/** A successful IAM call as CloudTrail logs it, made by an administrator. */
function event(eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null): CloudTrailRecord {
  return loggedCall('iam.amazonaws.com', eventName, requestParameters, { responseElements });
}
