import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Handler } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SettingsError } from '../../shared/config/settings.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { customProductArn } from '../../shared/export/asff.js';
import { FindingsExportError } from '../../shared/export/findings-export.js';
import { SecurityHubExport, securityHubProductArnSetting } from '../../shared/export/security-hub.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { asEventBridgeEvent, lambdaContext } from '../support/eventbridge.js';
import { memoryLogger } from '../support/memory-logger.js';
import { useMoto } from '../support/moto.js';
import { useWorkflowUpdatesOnMoto } from './workflow-updates.js';

// The real Lambda module with the stack's securityHubExport on: dynalite, fauxqs and moto over HTTP.
const ACCOUNT = '111122223333';
const PRODUCT_ARN = customProductArn('us-east-1', ACCOUNT);
const dynamo = useDynalite({ sdkEnvironment: true });
const sns = useSns('detect-export-alerts', { sdkEnvironment: true });
const moto = useMoto();
const workflow = useWorkflowUpdatesOnMoto();
let handler: Handler;
let table: string;

beforeAll(async () => {
  table = await dynamo.createTable('export');
  Object.assign(process.env, {
    FINDINGS_TABLE: table,
    ALERT_TOPIC_ARN: sns.topicArn,
    LOG_LEVEL: 'silent',
    SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN,
    AWS_ENDPOINT_URL_SECURITYHUB: moto.endpoint,
  });
  ({ handler } = (await import('../../functions/detect-cloudtrail-event.js')) as unknown as { handler: Handler });
});

const invoke = (event: unknown): Promise<unknown> => handler(event, lambdaContext, () => undefined) as Promise<unknown>;
const created = rootKeyExamples.positive[0]!.record;
const deleted = { ...rootKeyExamples.resolving![0]!.record, eventTime: '2099-01-01T00:00:00Z', eventID: 'delete-key-0001' };
const hub = () => new SecurityHubClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: moto.credentials });
const imported = async () => (await hub().send(new GetFindingsCommand({}))).Findings ?? [];

describe('detect-cloudtrail-event with securityHubExport on', () => {
  it('imports the finding it records into the account’s own product, and archives it when a later event removes the risk', async () => {
    await invoke(asEventBridgeEvent(created));
    const afterCreate = await imported();
    await invoke(asEventBridgeEvent(deleted));
    const afterDelete = await imported();

    expect(afterCreate).toMatchObject([
      { ProductArn: PRODUCT_ARN, AwsAccountId: ACCOUNT, GeneratorId: 'iam-warden/root-access-key-created', RecordState: 'ACTIVE' },
    ]);
    expect(afterDelete).toMatchObject([{ Id: afterCreate[0]?.Id, RecordState: 'ARCHIVED', Workflow: { Status: 'RESOLVED' } }]);
    expect(workflow.updates()).toEqual([{ status: 'RESOLVED', ids: [afterCreate[0]?.Id] }]);
    expect(await sns.drain()).not.toEqual([]);
  });

  it('fails fast at start-up on a SECURITY_HUB_PRODUCT_ARN that is not an account’s own product, naming the setting', () => {
    expect(() => securityHubProductArnSetting({ SECURITY_HUB_PRODUCT_ARN: 'arn:aws:securityhub:us-east-1::product/aws/guardduty' })).toThrow(SettingsError);
    expect(() => securityHubProductArnSetting({ SECURITY_HUB_PRODUCT_ARN: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/444455556666/default` })).toThrow(
      /SECURITY_HUB_PRODUCT_ARN/,
    );
    expect(securityHubProductArnSetting({ SECURITY_HUB_PRODUCT_ARN: '' })).toBeUndefined();
    expect(securityHubProductArnSetting({ SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN })).toBe(PRODUCT_ARN);
  });
});

describe('detectEvent with an export that cannot reach Security Hub', () => {
  it('fails after recording the finding, so the event is retried; the retry exports the unchanged finding', async () => {
    const store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('retry'));
    const exporter = (endpoint: string) =>
      new SecurityHubExport({
        client: new SecurityHubClient({ endpoint, region: 'us-east-1', credentials: moto.credentials, maxAttempts: 1 }),
        productArn: PRODUCT_ARN,
        ledger: store,
        rules: catalogue,
      });
    const record = { ...created, eventID: 'hub-down-0001', responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEROOTKEY09' } } };
    const dependencies = { engine: new DetectionEngine(catalogue), store, logger: memoryLogger().logger };

    const failed = await detectEvent(asEventBridgeEvent(record), { ...dependencies, exporter: exporter('http://127.0.0.1:9') }).catch(
      (error: unknown) => error,
    );
    const retried = await detectEvent(asEventBridgeEvent(record), { ...dependencies, exporter: exporter(moto.endpoint) });

    expect(failed).toBeInstanceOf(FindingsExportError);
    expect(retried.changes).toMatchObject([{ outcome: 'unchanged' }]);
    expect(retried.exported?.exported).toEqual([retried.changes[0]?.findingId]);
    expect((await imported()).map((finding) => finding.Id)).toContain(`iam-warden/${retried.changes[0]?.findingId}`);
  });
});
