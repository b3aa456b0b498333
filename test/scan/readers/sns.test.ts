// The SNS state reader (topic access policies) against moto over HTTP: the exact findings of seeded
// risks and look-alikes, the finding id each event would give, then risks removed and resolved.
import { CreateTopicCommand, DeleteTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { snsReader } from '../../../shared/scan/readers/sns.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const sns = motoClients(moto, (config) => new SNSClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(TRUSTED, 'test') };
const topicArn = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;

/** A topic policy of one Allow statement. */
function policy(name: string, principal: unknown, condition?: object): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'grant',
        Effect: 'Allow',
        Principal: principal,
        Action: ['SNS:Publish', 'SNS:Subscribe'],
        Resource: topicArn(name),
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });
}

const POLICIES = {
  'public-alerts': policy('public-alerts', '*'),
  'partner-feed': policy('partner-feed', { AWS: `arn:aws:iam::${OUTSIDE}:root` }),
  'trusted-feed': policy('trusted-feed', { AWS: `arn:aws:iam::${TRUSTED}:root` }),
  'bucket-events': policy('bucket-events', { Service: 's3.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, snsReader, { context });
}

async function topic(name: string, topicPolicy?: string): Promise<void> {
  await sns().send(new CreateTopicCommand({ Name: name }));
  if (topicPolicy !== undefined)
    await sns().send(new SetTopicAttributesCommand({ TopicArn: topicArn(name), AttributeName: 'Policy', AttributeValue: topicPolicy }));
}

beforeAll(async () => {
  // Risks: open to everyone, to an outside account.
  await topic('public-alerts', POLICIES['public-alerts']);
  await topic('partner-feed', POLICIES['partner-feed']);
  // Look-alikes: SNS's default policy (everyone, pinned to the own account by aws:SourceOwner), a trusted
  // account, a service pinned to the own account.
  await topic('plain');
  await topic('trusted-feed', POLICIES['trusted-feed']);
  await topic('bucket-events', POLICIES['bucket-events']);
}, 60_000);

describe('the SNS state reader', () => {
  it('finds exactly the seeded risks, and none of the look-alikes (the default policy included)', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [`sns-topic-exposed ${topicArn('public-alerts')} - critical`, `sns-topic-exposed ${topicArn('partner-feed')} - high`].sort(),
    );
    expect(report.counts).toEqual({ topics: 5 });
  });

  it('gives each risk the finding id of the event that would have made it (SetTopicAttributes, or CreateTopic with the policy)', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('SetTopicAttributes', { topicArn: topicArn('public-alerts'), attributeName: 'Policy', attributeValue: POLICIES['public-alerts'] }),
      loggedCall(
        'sns.amazonaws.com',
        'CreateTopic',
        { name: 'partner-feed', attributes: { Policy: POLICIES['partner-feed'] } },
        { responseElements: { topicArn: topicArn('partner-feed') } },
      ),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(2);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(2);

    await sns().send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn('public-alerts'),
        AttributeName: 'Policy',
        AttributeValue: policy('public-alerts', { AWS: `arn:aws:iam::${ACCOUNT}:root` }),
      }),
    );
    await sns().send(new DeleteTopicCommand({ TopicArn: topicArn('partner-feed') }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    expect(second.resolved.map((change) => change.finding?.resource).sort()).toEqual([topicArn('partner-feed'), topicArn('public-alerts')].sort());
    expect(second.written).toEqual([]);
  });
});

/** A successful sns call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>): CloudTrailRecord {
  return loggedCall('sns.amazonaws.com', eventName, requestParameters);
}
