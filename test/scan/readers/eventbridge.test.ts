// The EventBridge state reader (event bus policies) against moto over HTTP: the exact findings of
// seeded risks and look-alikes, the finding id each event would give, then risks removed and resolved.
import { CreateEventBusCommand, DeleteEventBusCommand, EventBridgeClient, PutPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { parseTrustedList } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { eventBridgeReader } from '../../../shared/scan/readers/eventbridge.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const events = motoClients(moto, (config) => new EventBridgeClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const TRUSTED = '777788889999';
const TRUSTED_ORGANIZATION = 'o-trusted0001';
const OUTSIDE = '444455556666';
const context = { boundary: parseTrustedList(`${TRUSTED},${TRUSTED_ORGANIZATION}`, 'test') };
const busArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${name}`;

/** Whole policies, set with PutPermission's `policy`. */
const POLICIES = {
  // Two accounts in one statement: no single PutPermission statement says that.
  partners: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'pair',
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${OUTSIDE}:root`, `arn:aws:iam::${TRUSTED}:root`] },
        Action: 'events:PutEvents',
        Resource: busArn('partners'),
      },
    ],
  }),
  // Everyone, narrowed by a Deny to the trusted organization: presented whole, so the Deny still counts.
  guarded: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'everyone', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: busArn('guarded') },
      {
        Sid: 'only-my-organization',
        Effect: 'Deny',
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORGANIZATION } },
      },
    ],
  }),
};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, eventBridgeReader, { context });
}

async function bus(name: string): Promise<void> {
  await events().send(new CreateEventBusCommand({ Name: name }));
}

beforeAll(async () => {
  // Risks: the default bus shared with an outside account, by statement; a bus open to every account;
  // a whole policy naming an outside account.
  await events().send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: OUTSIDE, StatementId: 'vendor' }));
  await bus('orders');
  await events().send(new PutPermissionCommand({ EventBusName: 'orders', Action: 'events:PutEvents', Principal: '*', StatementId: 'open' }));
  await bus('partners');
  await events().send(new PutPermissionCommand({ EventBusName: 'partners', Policy: POLICIES.partners }));
  // Look-alikes: a trusted account, every account of the trusted organization, a public Allow narrowed
  // by a Deny, no policy.
  await bus('internal');
  await events().send(new PutPermissionCommand({ EventBusName: 'internal', Action: 'events:PutEvents', Principal: TRUSTED, StatementId: 'partner' }));
  await events().send(
    new PutPermissionCommand({
      EventBusName: 'internal',
      Action: 'events:PutEvents',
      Principal: '*',
      StatementId: 'my-org',
      Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: TRUSTED_ORGANIZATION },
    }),
  );
  await bus('guarded');
  await events().send(new PutPermissionCommand({ EventBusName: 'guarded', Policy: POLICIES.guarded }));
  await bus('quiet');
}, 60_000);

describe('the EventBridge state reader', () => {
  it('finds exactly the seeded risks (statements by id, a policy that no statement call makes whole), and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report, { withRegion: false })).toEqual(
      [
        `eventbridge-event-bus-exposed ${busArn('default')} statement/vendor high`,
        `eventbridge-event-bus-exposed ${busArn('orders')} statement/open critical`,
        `eventbridge-event-bus-exposed ${busArn('partners')} policy high`,
      ].sort(),
    );
    expect(report.counts).toEqual({ 'event buses': 6 });
  });

  it('gives each risk the finding id of the PutPermission that would have made it', async () => {
    const report = await scan();
    const calls: CloudTrailRecord[] = [
      event('PutPermission', { action: 'events:PutEvents', principal: OUTSIDE, statementId: 'vendor' }),
      event('PutPermission', { eventBusName: 'orders', action: 'events:PutEvents', principal: '*', statementId: 'open' }),
      event('PutPermission', { eventBusName: 'partners', policy: POLICIES.partners }),
    ];

    const fromEvents = findingIdsOfEvents(calls, context);

    expect(fromEvents).toHaveLength(3);
    expect(findingIdsOfScan(report)).toEqual(fromEvents);
  });

  it('resolves what is gone on the next scan', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(3);

    await events().send(new RemovePermissionCommand({ StatementId: 'vendor' }));
    await events().send(new DeleteEventBusCommand({ Name: 'partners' }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    expect(second.resolved.map((change) => `${change.finding?.resource} ${change.finding?.scope}`).sort()).toEqual(
      [`${busArn('default')} statement/vendor`, `${busArn('partners')} policy`].sort(),
    );
    expect(second.written.map((change) => `${change.finding?.resource} ${change.outcome}`)).toEqual([`${busArn('orders')} updated`]);
  });
});

/** A successful events call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>): CloudTrailRecord {
  return loggedCall('events.amazonaws.com', eventName, requestParameters);
}
