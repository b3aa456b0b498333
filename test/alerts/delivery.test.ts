import { beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError, Alerter } from '../../shared/alerts/alerter.js';
import { bodyForProtocol, SnsChannel } from '../../shared/alerts/channels/sns.js';
import type { AlertChannel } from '../../shared/alerts/channel.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../shared/alerts/settings.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { examples as mfaExamples } from '../../shared/detections/iam/mfa-deactivated.examples.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { asEventBridgeEvent } from '../support/eventbridge.js';
import { memoryLogger } from '../support/memory-logger.js';
import { engine, expectChatbotSchema, PLANTED_PASSWORD, PLANTED_SECRET, PLANTED_TOKEN, withPlantedSecrets } from './fixtures.js';

// The real SNS client publishing to fauxqs on 127.0.0.1, read back from an SQS subscription; the
// findings in dynalite. Every test gets its own table.
const dynamo = useDynalite();
const sns = useSns();
let store: FindingsStore;

beforeEach(async () => {
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('alerts'));
  await sns.restart();
  await sns.drain();
});

function alerterFor(settings: Partial<AlertSettings> = {}, topicArn = sns.topicArn): Alerter {
  const channel = new SnsChannel({ topicArn, client: sns.client(2) });
  return new Alerter({ store, channel, settings: { ...DEFAULT_ALERT_SETTINGS, ...settings }, rules: catalogue });
}

const rootKeyCreated = (key: string, eventID = `create-${key}`): CloudTrailRecord => {
  const base = rootKeyExamples.positive[0]!.record;
  return { ...base, eventID, responseElements: { accessKey: { accessKeyId: key, status: 'Active', createDate: 'Nov 20, 2026 10:15:30 AM' } } };
};
const rootKeyDeleted = (key: string): CloudTrailRecord => {
  const base = rootKeyExamples.resolving![0]!.record;
  return { ...base, eventID: `delete-${key}`, eventTime: '2026-11-20T12:00:00Z', requestParameters: { accessKeyId: key } };
};

async function handle(record: CloudTrailRecord, alerter: Alerter) {
  const { logger, text } = memoryLogger();
  const result = await detectEvent(asEventBridgeEvent(record), { engine, store, logger, alerter });
  return { result, logs: text() };
}

describe('alert delivery through SNS', () => {
  it('publishes one alert for an opened finding, with subject, attributes and per-protocol bodies', async () => {
    const { result } = await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY01'), alerterFor({ findingsTable: 'warden-prod' }));
    const findingId = result.changes[0]!.findingId;

    const delivered = await sns.drain();
    expect(delivered).toHaveLength(1);
    const [alert] = delivered;
    expect(alert!.subject).toBe('[CRITICAL] Access key created for the root user in 111122223333');
    expect(alert!.subject!.length).toBeLessThanOrEqual(100);
    expect(alert!.attributes).toEqual({
      severity: 'critical',
      ruleId: 'root-access-key-created',
      account: '111122223333',
      region: 'us-east-1',
      kind: 'opened',
    });
    // fauxqs delivers the whole MessageStructure JSON: pick each protocol's body as SNS would.
    expect(bodyForProtocol(alert!.message, 'email')).toContain(`npx warden findings show ${findingId} --table warden-prod`);
    expectChatbotSchema(bodyForProtocol(alert!.message, 'https'), findingId);
    expect(JSON.parse(bodyForProtocol(alert!.message, 'sqs'))).toMatchObject({ alert: 'opened', finding: { id: findingId, status: 'open' } });
    expect((await store.get(findingId))?.alertState).toBe('sent');
    expect(result.alerts).toMatchObject({ sent: [findingId], failed: [] });
  });

  it('does not alert again for a repeated event or a new occurrence of an open finding', async () => {
    const alerter = alerterFor();
    await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY01'), alerter);
    await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY01'), alerter);
    await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY01', 'another-event-same-key'), alerter);
    await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY02'), alerter);
    const delivered = await sns.drain();
    expect(delivered.map((message) => (JSON.parse(bodyForProtocol(message.message, 'sqs')) as { finding: { scope: string } }).finding.scope)).toEqual([
      'AKIAEXAMPLEROOTKEY01',
      'AKIAEXAMPLEROOTKEY02',
    ]);
  });

  it('never alerts for a suppressed finding', async () => {
    await store.suppress({ ruleId: 'root-access-key-created', resourcePattern: '*' }, { by: 'cli:test', reason: 'break-glass drill' });
    const { result } = await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY03'), alerterFor());
    expect(await sns.drain()).toEqual([]);
    expect(result.changes[0]?.finding).toMatchObject({ status: 'suppressed', alertState: 'none' });
  });

  it('records no alert owed below the minimum severity, and publishes nothing', async () => {
    const { result } = await handle(mfaExamples.positive[0]!.record, alerterFor({ minSeverity: 'critical' }));
    const findingId = result.changes[0]!.findingId;
    expect(await sns.drain()).toEqual([]);
    expect((await store.get(findingId))?.alertState).toBe('none');
    expect(result.alerts?.belowMinimum).toEqual([findingId]);
  });

  it('sends a short resolved notice when a critical finding it alerted on is resolved, and none for lower severities by default', async () => {
    const alerter = alerterFor();
    await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY04'), alerter);
    await handle(rootKeyDeleted('AKIAEXAMPLEROOTKEY04'), alerter);
    const delivered = await sns.drain();
    expect(delivered.map((message) => message.subject)).toEqual([
      '[CRITICAL] Access key created for the root user in 111122223333',
      '[CRITICAL] Resolved: Access key created for the root user in 111122223333',
    ]);
    expect(delivered[1]!.attributes['kind']).toBe('resolved');
    expect(bodyForProtocol(delivered[1]!.message, 'email')).toContain('root access key deleted');

    await handle(mfaExamples.positive[0]!.record, alerter);
    await handle(mfaExamples.resolving![0]!.record, alerter);
    expect((await sns.drain()).map((message) => message.attributes['kind'])).toEqual(['opened']);
  });

  it('never lets a secret planted in the event reach any delivered byte', async () => {
    await handle(withPlantedSecrets(rootKeyCreated('AKIAEXAMPLEROOTKEY05')), alerterFor());
    const delivered = await sns.drain();
    expect(delivered).toHaveLength(1);
    for (const secret of [PLANTED_SECRET, PLANTED_TOKEN, PLANTED_PASSWORD]) expect(delivered[0]!.raw).not.toContain(secret);
    expect(delivered[0]!.raw).toContain('[REDACTED]');
  });

  it('records a permanent rejection on the finding, completes, and never retries it', async () => {
    const missingTopic = sns.topicArn.replace(/:[^:]+$/, ':no-such-topic');
    const { result, logs } = await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY06'), alerterFor({}, missingTopic));
    const findingId = result.changes[0]!.findingId;
    const finding = await store.get(findingId);
    expect(finding?.alertState).toBe('failed');
    expect(finding?.alertError).toMatch(/^NotFoundException: /);
    expect(logs).toContain('alert rejected by SNS; recorded on the finding and not retried');

    await handle(rootKeyCreated('AKIAEXAMPLEROOTKEY06'), alerterFor());
    expect(await sns.drain()).toEqual([]);
  });

  it('keeps findings pending and fails while SNS is down, then sends each alert exactly once when it is back', async () => {
    const alerter = alerterFor();
    const first = rootKeyCreated('AKIAEXAMPLEROOTKEY07');
    const second = rootKeyCreated('AKIAEXAMPLEROOTKEY08');
    await handle(first, alerter);
    expect(await sns.drain()).toHaveLength(1);

    await sns.stop();
    const failure: unknown = await handle(second, alerter).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AlertDeliveryError);
    const pendingId = (failure as AlertDeliveryError).pending[0]!;
    expect(await store.get(pendingId)).toMatchObject({ status: 'open', scope: 'AKIAEXAMPLEROOTKEY08', alertState: 'pending' });

    await sns.restart();
    await handle(second, alerter); // Lambda's retry of the same event
    await handle(second, alerter); // and a replay of it
    await handle(first, alerter);
    const delivered = await sns.drain();
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(bodyForProtocol(delivered[0]!.message, 'lambda'))).toMatchObject({ finding: { scope: 'AKIAEXAMPLEROOTKEY08' } });
    expect((await store.get(pendingId))?.alertState).toBe('sent');
  });
});

describe('alert delivery under concurrency and throttling', () => {
  // SNS 300 ms away: long enough for concurrent deliveries of one finding to overlap their publishes.
  function slowAlerter(latencyMs = 300, on: FindingsStore = store): Alerter {
    const inner: AlertChannel = new SnsChannel({ topicArn: sns.topicArn, client: sns.client(2) });
    const channel: AlertChannel = {
      name: inner.name,
      destination: inner.destination,
      format: (outgoing) => inner.format(outgoing),
      deliver: async (message) => {
        await new Promise((resolve) => setTimeout(resolve, latencyMs));
        return inner.deliver(message);
      },
      classify: (error) => inner.classify(error),
      close: () => inner.close(),
    };
    return new Alerter({ store: on, channel, settings: DEFAULT_ALERT_SETTINGS, rules: catalogue });
  }
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('sends one alert when two events on one finding arrive at once', async () => {
    const alerter = slowAlerter();
    await Promise.all([handle(rootKeyCreated('AKIAEXAMPLEROOTKEY09', 'first'), alerter), handle(rootKeyCreated('AKIAEXAMPLEROOTKEY09', 'second'), alerter)]);
    expect(await sns.drain()).toHaveLength(1);
  });

  it('sends one alert for five events on one finding 50 ms apart', async () => {
    const alerter = slowAlerter();
    await Promise.all([0, 1, 2, 3, 4].map(async (n) => later(50 * n).then(() => handle(rootKeyCreated('AKIAEXAMPLEROOTKEY10', `event-${n}`), alerter))));
    expect(await sns.drain()).toHaveLength(1);
  });

  it('sends one alert when the same event is delivered twice at once', async () => {
    const alerter = slowAlerter();
    const record = rootKeyCreated('AKIAEXAMPLEROOTKEY11');
    const [one, two] = await Promise.all([handle(record, alerter), handle(record, alerter)]);
    expect(await sns.drain()).toHaveLength(1);
    expect([...one.result.alerts!.sent, ...two.result.alerts!.sent]).toHaveLength(1);
  });

  it('calls a published alert sent when recording it fails, and a retry of the event does not send it again', async () => {
    const throttled = Object.assign(Object.create(store) as FindingsStore, {
      markAlert: async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
      },
    });
    const record = rootKeyCreated('AKIAEXAMPLEROOTKEY12');
    const { logger, text } = memoryLogger();
    const first = await detectEvent(asEventBridgeEvent(record), { engine, store: throttled, logger, alerter: slowAlerter(0, throttled) });

    await handle(record, alerterFor()); // Lambda's retry, or a replay
    expect(await sns.drain()).toHaveLength(1);
    expect(first.alerts?.sent).toEqual([first.changes[0]!.findingId]);
    expect(text()).toContain('alert sent, but not recorded as sent');
    expect(text()).not.toContain('not sent');
  });
});
