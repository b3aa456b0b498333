import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../shared/cli/io.js';
import { findingsCommand } from '../../shared/cli/commands/findings.js';
import { cliDependencies } from '../../shared/cli/dependencies.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { useDynalite, useSns } from '../support/emulators.js';

// `warden findings realert` against the deployed-table path: the real SDK clients, pointed at
// dynalite and fauxqs through the endpoint variables the SDK honours.
const dynamo = useDynalite({ sdkEnvironment: true });
const sns = useSns('realert-alerts', { sdkEnvironment: true });
let table: string;
let store: FindingsStore;

beforeEach(async () => {
  table = await dynamo.createTable('realert');
  store = new DynamoFindingsStore(dynamo.client, table);
  await sns.drain();
});

async function warden(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (text) => void (out += text), err: (text) => void (err += text), errIsTTY: false, stdin: new PassThrough() };
  const code = await findingsCommand.run([...argv, '--table', table], cliDependencies(io));
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
