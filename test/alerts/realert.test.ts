import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../shared/cli/io.js';
import { findingsCommand } from '../../shared/cli/findings-command.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { FindingsStore } from '../../shared/findings/store.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { startSns, type LocalSns } from '../support/sns.js';

// `warden findings realert` against the deployed-table path: the real SDK clients, pointed at
// dynalite and fauxqs through the endpoint variables the SDK honours.
let dynamo: LocalDynamo;
let sns: LocalSns;
let table: string;
let store: FindingsStore;

beforeAll(async () => {
  [dynamo, sns] = await Promise.all([startDynalite(), startSns('realert-alerts')]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), sns?.close()]);
});
beforeEach(async () => {
  table = await dynamo.createTable('realert');
  store = new FindingsStore(dynamo.client, table);
  await sns.drain();
});

async function warden(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (text) => void (out += text), err: (text) => void (err += text), errIsTTY: false, stdin: new PassThrough() };
  const code = await findingsCommand([...argv, '--table', table], io);
  return { code, out, err };
}

async function failedAlertFinding(): Promise<string> {
  const { changes } = await store.apply(new DetectionEngine(catalogue).evaluate(rootKeyExamples.positive[0]!.record));
  const id = changes[0]!.findingId;
  await store.markAlert(id, 'failed', 'AuthorizationError: the topic refused the publish');
  return id;
}

describe('warden findings realert', () => {
  it('makes a failed alert owed again, for the daily sweep', async () => {
    const id = await failedAlertFinding();

    const run = await warden('realert', id);

    expect(run.code).toBe(0);
    expect(await store.get(id)).toMatchObject({ alertState: 'pending' });
    expect((await store.get(id))?.alertError).toBeUndefined();
  });

  it('sends it now with --sns-topic, and marks it sent', async () => {
    const id = await failedAlertFinding();

    const run = await warden('realert', id, '--sns-topic', sns.topicArn);

    expect(run).toMatchObject({ code: 0, out: `alert of ${id} sent to ${sns.topicArn}\n` });
    expect((await sns.drain()).map((message) => message.subject)).toEqual(['[CRITICAL] Access key created for the root user in 111122223333']);
    expect(await store.get(id)).toMatchObject({ alertState: 'sent' });
  });

  it('refuses a finding that is not open', async () => {
    const id = await failedAlertFinding();
    await store.resolve(id, { reason: 'handled', by: 'cli:test' });

    const run = await warden('realert', id);

    expect(run.code).toBe(64);
    expect(run.err).toContain('is not open');
  });
});
