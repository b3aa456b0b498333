import { beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError, Alerter } from '../../shared/alerts/alerter.js';
import { bodyForProtocol, SnsChannel } from '../../shared/alerts/channels/sns.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts/settings.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { examples as mfaExamples } from '../../shared/detections/iam/mfa-deactivated.examples.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import { ALERT_CLAIM_LEASE_MS, type FindingsStore } from '../../shared/findings/store.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { asEventBridgeEvent } from '../support/eventbridge.js';
import { memoryLogger } from '../support/memory-logger.js';
import { engine } from './fixtures.js';

// The scheduled sweep against dynalite and fauxqs: alerts owed after the event's retries ran out are
// delivered once; reminders about still-open critical findings come once per interval.
const HOUR = 3_600_000;
const dynamo = useDynalite();
const sns = useSns('sweep-alerts');
let store: FindingsStore;
let clock: Date;

beforeEach(async () => {
  clock = new Date('2026-11-21T08:00:00Z');
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('sweep'), { now: () => clock });
  await sns.restart();
  await sns.drain();
});

const alerterWith = (reminderHours: number): Alerter =>
  new Alerter({
    store,
    channel: new SnsChannel({ topicArn: sns.topicArn, client: sns.client(1) }),
    settings: { ...DEFAULT_ALERT_SETTINGS, reminderHours },
    rules: catalogue,
  });
const handle = (record: CloudTrailRecord, alerter: Alerter) =>
  detectEvent(asEventBridgeEvent(record), { engine, store, alerter, logger: memoryLogger().logger });
const rootKey = rootKeyExamples.positive[0]!.record;
const mfaOff = mfaExamples.positive[0]!.record; // high, not critical
const subjects = async (): Promise<(string | null)[]> => (await sns.drain()).map((message) => message.subject);

describe('Alerter.sweep', () => {
  it('delivers an alert left pending when the event gave up, exactly once', async () => {
    const alerter = alerterWith(0);
    await sns.stop();
    await expect(handle(rootKey, alerter)).rejects.toBeInstanceOf(AlertDeliveryError);
    await sns.restart();

    const first = await alerter.sweep(memoryLogger().logger, clock);
    const second = await alerter.sweep(memoryLogger().logger, clock);

    expect(first.owedAlerts.sent).toHaveLength(1);
    expect(second.owedAlerts.sent).toEqual([]);
    expect(await subjects()).toEqual(['[CRITICAL] Access key created for the root user in 111122223333']);
  });

  it('sends an alert whose claim holder died once the lease of the claim has ended, not before', async () => {
    const alerter = alerterWith(0);
    const { changes } = await detectEvent(asEventBridgeEvent(rootKey), { engine, store, logger: memoryLogger().logger });
    expect(await store.claimAlert(changes[0]!.findingId)).toBe(true); // a delivery that then timed out

    clock = new Date(clock.getTime() + ALERT_CLAIM_LEASE_MS - 60_000);
    const whileHeld = await alerter.sweep(memoryLogger().logger, clock);
    clock = new Date(clock.getTime() + 120_000);
    const afterLease = await alerter.sweep(memoryLogger().logger, clock);

    expect(whileHeld.owedAlerts.sent).toEqual([]);
    expect(afterLease.owedAlerts.sent).toEqual([changes[0]!.findingId]);
    expect(await subjects()).toEqual(['[CRITICAL] Access key created for the root user in 111122223333']);
    expect(await store.get(changes[0]!.findingId)).toMatchObject({ alertState: 'sent' });
  });

  it('reminds about a critical finding still open after the interval, once per interval', async () => {
    const alerter = alerterWith(24);
    await handle(rootKey, alerter);
    await handle(mfaOff, alerter);
    await sns.drain();

    clock = new Date(clock.getTime() + 23 * HOUR);
    expect((await alerter.sweep(memoryLogger().logger, clock)).reminders).toBe(0);
    clock = new Date(clock.getTime() + 2 * HOUR);
    expect((await alerter.sweep(memoryLogger().logger, clock)).reminders).toBe(1);
    expect((await alerter.sweep(memoryLogger().logger, clock)).reminders).toBe(0);

    const delivered = await sns.drain();
    expect(delivered.map((message) => message.subject)).toEqual(['[CRITICAL] Still open: Access key created for the root user in 111122223333']);
    expect(delivered[0]!.attributes['kind']).toBe('reminder');
    expect(bodyForProtocol(delivered[0]!.message, 'email')).toContain('Still open since');
  });

  it('never reminds when reminders are off, nor about a resolved finding', async () => {
    const off = alerterWith(0);
    await handle(rootKey, off);
    await sns.drain();
    clock = new Date(clock.getTime() + 100 * HOUR);
    expect((await off.sweep(memoryLogger().logger, clock)).reminders).toBe(0);

    const on = alerterWith(24);
    await handle(rootKeyExamples.resolving![0]!.record, on);
    clock = new Date(clock.getTime() + 100 * HOUR);
    expect((await on.sweep(memoryLogger().logger, clock)).reminders).toBe(0);
    expect((await subjects()).filter((subject) => subject?.includes('Still open'))).toEqual([]);
  });
});
