// The Secrets Manager state reader (secrets' resource policies) against moto over HTTP: the exact
// findings of seeded risks and look-alikes, the finding id each event would give, then risks removed
// and resolved.
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { secretsManagerReader } from '../../../shared/scan/readers/secretsmanager.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const secrets = motoClients(moto, (config) => new SecretsManagerClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const TRUSTED_ORGANIZATION = 'o-trusted123';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(`${TRUSTED} ${TRUSTED_ORGANIZATION}`, 'test') };
const RULE = 'secretsmanager-secret-exposed';

const readFor = (principal: unknown, condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });

const POLICIES = {
  public: readFor('*'),
  outside: readFor({ AWS: `arn:aws:iam::${OUTSIDE}:root` }),
  otherOrganization: readFor('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-otherorg999' } }),
  trusted: readFor({ AWS: `arn:aws:iam::${TRUSTED}:role/reader` }),
  trustedOrganization: readFor('*', { StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORGANIZATION } }),
  ownAccount: readFor({ AWS: `arn:aws:iam::${ACCOUNT}:root` }),
};

/** Each secret's full ARN (name plus the six characters Secrets Manager appends), by name. */
const arns: Record<string, string> = {};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, secretsManagerReader, { context });
}

async function secret(name: string, policy?: string): Promise<void> {
  const { ARN: arn } = await secrets().send(new CreateSecretCommand({ Name: name, SecretString: 'not-a-real-secret' }));
  arns[name] = arn ?? '';
  if (policy !== undefined) await secrets().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));
}

beforeAll(async () => {
  // Risks: everyone, an outside account, "*" pinned to an organization that is not trusted.
  await secret('prod/db-password', POLICIES.public);
  await secret('prod/vendor-token', POLICIES.outside);
  await secret('prod/shared-key', POLICIES.otherOrganization);
  // Look-alikes: a trusted partner, the trusted organization, the account itself, no policy, and a
  // public secret scheduled for deletion (it can no longer be read; DeleteSecret closes the finding).
  await secret('prod/partner-token', POLICIES.trusted);
  await secret('prod/org-config', POLICIES.trustedOrganization);
  await secret('prod/own', POLICIES.ownAccount);
  await secret('prod/plain');
  await secret('old/db-password', POLICIES.public);
  await secrets().send(new DeleteSecretCommand({ SecretId: 'old/db-password', RecoveryWindowInDays: 7 }));
}, 60_000);

describe('the Secrets Manager state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [`${RULE} ${arns['prod/db-password']} - critical`, `${RULE} ${arns['prod/vendor-token']} - high`, `${RULE} ${arns['prod/shared-key']} - high`].sort(),
    );
    expect(report.counts).toEqual({ secrets: 7 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      putResourcePolicy('prod/db-password', POLICIES.public),
      putResourcePolicy('prod/vendor-token', POLICIES.outside),
      putResourcePolicy('prod/shared-key', POLICIES.otherOrganization),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(3);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(3);

    await secrets().send(new DeleteResourcePolicyCommand({ SecretId: 'prod/db-password' }));
    await secrets().send(new DeleteSecretCommand({ SecretId: 'prod/vendor-token', RecoveryWindowInDays: 7 }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource}`).sort();
    expect(resolved).toEqual([`${RULE} ${arns['prod/db-password']}`, `${RULE} ${arns['prod/vendor-token']}`].sort());
    expect(second.written.map((change) => `${change.outcome} ${change.finding?.resource}`)).toEqual([`updated ${arns['prod/shared-key']}`]);
  });
});

/** PutResourcePolicy as CloudTrail logs it: the secret named as the caller named it, its ARN in the response. */
function putResourcePolicy(name: string, policy: string): CloudTrailRecord {
  return loggedCall(
    'secretsmanager.amazonaws.com',
    'PutResourcePolicy',
    { secretId: name, resourcePolicy: policy, blockPublicPolicy: false },
    { responseElements: { arn: arns[name] ?? '', name } },
  );
}
