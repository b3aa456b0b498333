import { beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from 'aws-lambda';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { asEventBridgeEvent, lambdaContext } from '../support/eventbridge.js';

// The real handler module, its middy chain and its settings, against dynalite and fauxqs over HTTP.
const dynamo = useDynalite({ sdkEnvironment: true });
const sns = useSns('detect-alerts', { sdkEnvironment: true });
let handler: Handler;
let store: FindingsStore;

beforeAll(async () => {
  const table = await dynamo.createTable('detect');
  Object.assign(process.env, {
    FINDINGS_TABLE: table,
    ALERT_TOPIC_ARN: sns.topicArn,
    ALERT_PUBLISH_MAX_ATTEMPTS: '2',
    LOG_LEVEL: 'silent',
  });
  ({ handler } = (await import('../../functions/detect-cloudtrail-event.js')) as unknown as { handler: Handler });
  store = new DynamoFindingsStore(dynamo.client, table);
});

const invoke = (event: unknown): Promise<unknown> => handler(event, lambdaContext, () => undefined) as Promise<unknown>;
const rootKeyEvent = asEventBridgeEvent(rootKeyExamples.positive[0]!.record);

describe('detect-cloudtrail-event handler', () => {
  it('records a finding for a risky event and publishes its alert to the topic', async () => {
    await invoke(rootKeyEvent);
    const open = await store.list({ statuses: ['open'] });
    expect(open.findings.map((finding) => finding.ruleId)).toEqual(['root-access-key-created']);
    const delivered = await sns.drain();
    expect(delivered.map((message) => message.subject)).toEqual(['[CRITICAL] Access key created for the root user in 111122223333']);
    expect(delivered[0]?.attributes['severity']).toBe('critical');
    expect((await store.get(open.findings[0]!.id))?.alertState).toBe('sent');
  });

  it('gives one finding with one occurrence, and no second alert, when EventBridge delivers the same event twice', async () => {
    await invoke(rootKeyEvent);
    await invoke(rootKeyEvent);
    const open = await store.list({ statuses: ['open'] });
    expect(open.findings).toHaveLength(1);
    expect(open.findings[0]?.count).toBe(1);
    expect(await sns.drain()).toEqual([]);
  });

  it('fails the invocation while SNS is unreachable, keeping the finding pending; the retry sends the alert once', async () => {
    const record = {
      ...rootKeyExamples.positive[0]!.record,
      eventID: 'sns-down-0001',
      responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEROOTKEY03' } },
    };
    await sns.stop();
    await expect(invoke(asEventBridgeEvent(record))).rejects.toThrow(/could not publish 1 alert/);
    const pending = (await store.list({ statuses: ['open'] })).findings.filter((finding) => finding.alertState === 'pending');
    expect(pending).toHaveLength(1);
    await sns.restart();
    await invoke(asEventBridgeEvent(record));
    await invoke(asEventBridgeEvent(record));
    expect(await sns.drain()).toHaveLength(1);
    expect((await store.get(pending[0]!.id))?.alertState).toBe('sent');
  });

  it('completes without a retry on an event that is not CloudTrail, and records nothing', async () => {
    await expect(invoke({ 'detail-type': 'Scheduled Event', detail: {} })).resolves.toBeUndefined();
    await expect(invoke('not even an object')).resolves.toBeUndefined();
    expect((await store.list({ statuses: ['open', 'resolved', 'suppressed'] })).findings).toHaveLength(2);
  });

  it('ignores an event no detection listens to', async () => {
    const routine = { ...rootKeyExamples.positive[0]!.record, eventName: 'ListUsers', eventID: 'routine-0001' };
    await invoke(asEventBridgeEvent(routine));
    expect((await store.list({ statuses: ['open', 'resolved', 'suppressed'] })).findings).toHaveLength(2);
  });

  it('fails the invocation when the table cannot be written, so Lambda retries', async () => {
    const another = {
      ...rootKeyExamples.positive[0]!.record,
      eventID: 'retry-me-0001',
      responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEROOTKEY02' } },
    };
    await dynamo.stop();
    await expect(invoke(asEventBridgeEvent(another))).rejects.toThrow();
  });
});
