import { beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError, Alerter } from '../../shared/alerts/alerter.js';
import type { AlertChannel, Delivery, FailureKind, Outgoing } from '../../shared/alerts/channel.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts/settings.js';
import { rotationNotice } from '../../shared/alerts/rotation-notice.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { useDynalite } from '../support/emulators.js';
import { asEventBridgeEvent } from '../support/eventbridge.js';
import { memoryLogger } from '../support/memory-logger.js';
import { engine, withPlantedSecrets } from './fixtures.js';

// The Alerter knows channels only by their interface: a chat webhook written here (its own size
// limit, its own idea of a permanent failure) gets the same guarantees as SNS.
const dynamo = useDynalite();
let store: FindingsStore;

beforeEach(async () => {
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('channel'));
});

/** Posts `{"text": ...}` of at most LIMIT bytes; fails with `failWith` when set. */
class WebhookChannel implements AlertChannel<string> {
  static readonly LIMIT = 1_500;
  readonly name = 'the webhook';
  readonly destination = 'https://hooks.example.com/services/T0/B0';
  readonly posted: string[] = [];
  failWith: Error | undefined;

  format(outgoing: Outgoing): string {
    let body = '';
    for (const content of outgoing.renditions(WebhookChannel.LIMIT)) {
      body = JSON.stringify({ text: `*${content.subject}*\n${content.chat.content.description}` });
      if (Buffer.byteLength(body) <= WebhookChannel.LIMIT) break;
    }
    return body;
  }

  async deliver(message: string): Promise<Delivery> {
    if (this.failWith !== undefined) throw this.failWith;
    this.posted.push(message);
    return { messageId: `post-${this.posted.length}` };
  }

  classify(error: unknown): FailureKind {
    return error instanceof Error && error.name === 'WebhookGone' ? 'permanent' : 'transient';
  }

  close(): void {}
}

const failure = (name: string): Error => Object.assign(new Error(`${name} from the webhook`), { name });
const rootKeyCreated = (key: string): CloudTrailRecord => {
  const base = rootKeyExamples.positive[0]!.record;
  return { ...base, eventID: `create-${key}`, responseElements: { accessKey: { accessKeyId: key, status: 'Active', createDate: 'Nov 20, 2026 10:15:30 AM' } } };
};

async function handle(record: CloudTrailRecord, channel: WebhookChannel) {
  const alerter = new Alerter({ store, channel, settings: DEFAULT_ALERT_SETTINGS, rules: catalogue });
  const { logger, text } = memoryLogger();
  const result = await detectEvent(asEventBridgeEvent(record), { engine, store, logger, alerter });
  return { findingId: result.changes[0]!.findingId, logs: text() };
}

describe('an alert channel other than SNS', () => {
  it('gets each alert formatted within its own limit, and the finding is marked sent', async () => {
    const channel = new WebhookChannel();

    const { findingId } = await handle(withPlantedSecrets(rootKeyCreated('AKIAEXAMPLEWEBHOOK01')), channel);

    expect(channel.posted).toHaveLength(1);
    expect(Buffer.byteLength(channel.posted[0]!)).toBeLessThanOrEqual(WebhookChannel.LIMIT);
    expect(channel.posted[0]).toContain('[CRITICAL] Access key created for the root user in 111122223333');
    expect(channel.posted[0]).toContain(findingId);
    expect((await store.get(findingId))?.alertState).toBe('sent');
  });

  it('records a failure the channel calls permanent on the finding, naming the channel, and never retries it', async () => {
    const channel = new WebhookChannel();
    channel.failWith = failure('WebhookGone');

    const { findingId, logs } = await handle(rootKeyCreated('AKIAEXAMPLEWEBHOOK02'), channel);
    channel.failWith = undefined;
    await handle(rootKeyCreated('AKIAEXAMPLEWEBHOOK02'), channel);

    expect(await store.get(findingId)).toMatchObject({ alertState: 'failed', alertError: 'WebhookGone: WebhookGone from the webhook' });
    expect(logs).toContain('alert rejected by the webhook; recorded on the finding and not retried');
    expect(channel.posted).toEqual([]);
  });

  it('keeps the finding pending and fails on a failure the channel calls transient, then sends it once', async () => {
    const channel = new WebhookChannel();
    channel.failWith = failure('ServiceUnavailable');

    const thrown = await handle(rootKeyCreated('AKIAEXAMPLEWEBHOOK03'), channel).catch((error: unknown) => error);
    channel.failWith = undefined;
    await handle(rootKeyCreated('AKIAEXAMPLEWEBHOOK03'), channel);
    await handle(rootKeyCreated('AKIAEXAMPLEWEBHOOK03'), channel);

    expect(thrown).toBeInstanceOf(AlertDeliveryError);
    const [pendingId] = (thrown as AlertDeliveryError).pending;
    expect(channel.posted).toHaveLength(1);
    expect((await store.get(pendingId!))?.alertState).toBe('sent');
  });

  it('carries notices that are not about a finding, such as a key rotation', async () => {
    const channel = new WebhookChannel();
    const alerter = new Alerter({ store, channel, settings: DEFAULT_ALERT_SETTINGS, rules: catalogue });
    const notice = {
      user: 'deploy-bot',
      owner: 'ops@example.com',
      oldKeyId: 'AKIAOLDDEPLOYKEY0001',
      newKeyId: 'AKIANEWDEPLOYKEY0001',
      secretName: 'iam-warden/access-keys/deploy-bot',
      deactivateAt: '2026-12-01T00:00:00Z',
      deleteAt: '2026-12-11T00:00:00Z',
    };

    await alerter.notify(rotationNotice(notice, '111122223333'));

    expect(channel.posted).toHaveLength(1);
    expect(JSON.parse(channel.posted[0]!)).toMatchObject({ text: expect.stringContaining('[ACTION] New access key for deploy-bot in 111122223333') });
  });
});
