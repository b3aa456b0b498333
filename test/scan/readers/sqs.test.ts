// The SQS state reader (queue access policies) against moto over HTTP: the exact findings of seeded
// risks and look-alikes, the finding id each event would give, then risks removed and resolved.
import { AddPermissionCommand, CreateQueueCommand, DeleteQueueCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { sqsReader } from '../../../shared/scan/readers/sqs.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const sqs = motoClients(moto, (config) => new SQSClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

/** A queue policy of one Allow statement. */
function policy(name: string, principal: unknown, condition?: object): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'grant',
        Effect: 'Allow',
        Principal: principal,
        Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
        Resource: queueArn(name),
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });
}

const POLICIES = {
  'jobs-public': policy('jobs-public', '*'),
  'jobs-partner': policy('jobs-partner', { AWS: `arn:aws:iam::${OUTSIDE}:root` }),
  'jobs-trusted': policy('jobs-trusted', { AWS: `arn:aws:iam::${TRUSTED}:root` }),
  // What SNS needs to deliver from a topic of the own account: everyone, pinned by aws:SourceArn.
  'jobs-from-topic': policy('jobs-from-topic', '*', { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:orders` } }),
};

const urls: Record<string, string> = {};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, sqsReader, { context });
}

async function queue(name: string, queuePolicy?: string): Promise<void> {
  const { QueueUrl: url } = await sqs().send(
    new CreateQueueCommand({ QueueName: name, ...(queuePolicy === undefined ? {} : { Attributes: { Policy: queuePolicy } }) }),
  );
  if (url === undefined) throw new Error(`moto gave no URL for queue ${name}`);
  urls[name] = url;
}

beforeAll(async () => {
  // Risks: open to everyone (set after creation), to an outside account (at creation), and a grant
  // AddPermission added by label.
  await queue('jobs-public');
  await sqs().send(new SetQueueAttributesCommand({ QueueUrl: urls['jobs-public'], Attributes: { Policy: POLICIES['jobs-public'] } }));
  await queue('jobs-partner', POLICIES['jobs-partner']);
  await queue('jobs-added');
  await sqs().send(new AddPermissionCommand({ QueueUrl: urls['jobs-added'], Label: 'vendor', AWSAccountIds: [OUTSIDE], Actions: ['SendMessage'] }));
  // Look-alikes: no policy, a trusted account, everyone pinned to the own topic.
  await queue('jobs-private');
  await queue('jobs-trusted', POLICIES['jobs-trusted']);
  await queue('jobs-from-topic', POLICIES['jobs-from-topic']);
}, 60_000);

describe('the SQS state reader', () => {
  it('finds exactly the seeded risks, each as the whole policy, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [
        `sqs-queue-exposed ${queueArn('jobs-public')} policy critical`,
        `sqs-queue-exposed ${queueArn('jobs-partner')} policy high`,
        // The state cannot tell AddPermission's statement from one written whole: the policy's finding.
        `sqs-queue-exposed ${queueArn('jobs-added')} policy high`,
      ].sort(),
    );
    expect(report.counts).toEqual({ queues: 6 });
  });

  it('gives each risk the finding id of the event that sets the policy (SetQueueAttributes, or CreateQueue with it)', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('SetQueueAttributes', { queueUrl: urls['jobs-public'], attributes: { Policy: POLICIES['jobs-public'] } }),
      event('CreateQueue', { queueName: 'jobs-partner', attributes: { Policy: POLICIES['jobs-partner'] } }),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(2);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(3);

    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: urls['jobs-public'], Attributes: { Policy: '' } }));
    await sqs().send(new DeleteQueueCommand({ QueueUrl: urls['jobs-partner'] }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    expect(second.resolved.map((change) => change.finding?.resource).sort()).toEqual([queueArn('jobs-partner'), queueArn('jobs-public')].sort());
    expect(second.written.map((change) => `${change.finding?.resource} ${change.outcome}`)).toEqual([`${queueArn('jobs-added')} updated`]);
  });
});

/** A successful sqs call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>): CloudTrailRecord {
  return loggedCall('sqs.amazonaws.com', eventName, requestParameters);
}
