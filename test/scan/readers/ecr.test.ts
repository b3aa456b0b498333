// The ECR state reader (repository policies) against moto over HTTP: the exact findings of seeded
// risks and look-alikes, the finding id each event would give, then risks removed and resolved.
import { CreateRepositoryCommand, DeleteRepositoryCommand, DeleteRepositoryPolicyCommand, ECRClient, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { ecrReader } from '../../../shared/scan/readers/ecr.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const ecr = motoClients(moto, (config) => new ECRClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const RULE = 'ecr-repository-exposed';
const repositoryArn = (name: string) => `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${name}`;

const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const pullFor = (principal: unknown, condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Pull', Effect: 'Allow', Principal: principal, Action: PULL, ...(condition === undefined ? {} : { Condition: condition }) }],
  });

const POLICIES = {
  public: pullFor('*'),
  outside: pullFor({ AWS: `arn:aws:iam::${OUTSIDE}:root` }),
  trusted: pullFor({ AWS: `arn:aws:iam::${TRUSTED}:role/deployer` }),
  ownAccount: pullFor({ AWS: `arn:aws:iam::${ACCOUNT}:root` }),
  /** What Lambda needs to run an image from the repository, pinned to the account's own functions. */
  ownFunctions: pullFor({ Service: 'lambda.amazonaws.com' }, { StringLike: { 'aws:sourceArn': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*` } }),
};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, ecrReader, { context });
}

async function repository(name: string, policy?: string): Promise<void> {
  await ecr().send(new CreateRepositoryCommand({ repositoryName: name }));
  if (policy !== undefined) await ecr().send(new SetRepositoryPolicyCommand({ repositoryName: name, policyText: policy }));
}

beforeAll(async () => {
  // Risks: public pull, pull for an outside account (in a namespaced repository).
  await repository('community', POLICIES.public);
  await repository('team/builds', POLICIES.outside);
  // Look-alikes: a trusted partner, the account itself, Lambda for the own functions, no policy.
  await repository('partner', POLICIES.trusted);
  await repository('internal', POLICIES.ownAccount);
  await repository('functions', POLICIES.ownFunctions);
  await repository('plain');
}, 60_000);

describe('the ECR state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual([
      `${RULE} ${repositoryArn('community')} - critical`,
      `${RULE} ${repositoryArn('team/builds')} - high`,
    ]);
    expect(report.counts).toEqual({ repositories: 6 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [setRepositoryPolicy('community', POLICIES.public), setRepositoryPolicy('team/builds', POLICIES.outside)];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(2);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(2);

    await ecr().send(new DeleteRepositoryPolicyCommand({ repositoryName: 'community' }));
    await ecr().send(new SetRepositoryPolicyCommand({ repositoryName: 'partner', policyText: POLICIES.public }));
    await ecr().send(new DeleteRepositoryCommand({ repositoryName: 'team/builds', force: true }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource}`).sort();
    expect(resolved).toEqual([`${RULE} ${repositoryArn('community')}`, `${RULE} ${repositoryArn('team/builds')}`]);
    expect(second.written.map((change) => `${change.outcome} ${change.finding?.resource}`)).toEqual([`opened ${repositoryArn('partner')}`]);
  });
});

/** SetRepositoryPolicy as CloudTrail logs it: policyText a JSON string. */
function setRepositoryPolicy(name: string, policyText: string): CloudTrailRecord {
  return loggedCall(
    'ecr.amazonaws.com',
    'SetRepositoryPolicy',
    { force: false, policyText, repositoryName: name },
    { responseElements: { policyText, registryId: ACCOUNT, repositoryName: name } },
  );
}
