// The key audit with the Security Hub export: the account simulated as in test/handlers/audit-keys.test.ts
// (IAM mocked), the findings in the embedded store, alerts to fauxqs and Security Hub on moto, over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../shared/alerts/alerter.js';
import { SnsChannel } from '../../shared/alerts/channels/sns.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts/settings.js';
import { customProductArn } from '../../shared/export/asff.js';
import { SecurityHubExport } from '../../shared/export/security-hub.js';
import { openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import type { OpenedFindingsStore } from '../../shared/findings/store.js';
import { auditKeys, KeyAuditIncompleteError } from '../../shared/handlers/audit-keys.js';
import { InMemoryRotationStateStore } from '../../shared/keys/rotation-state.js';
import { keyAuditRules } from '../../shared/keys/rules/catalogue.js';
import { FakeAccount } from '../keys/fake-account.js';
import { day, settingsWith } from '../keys/helpers.js';
import { useSns } from '../support/emulators.js';
import { memoryLogger } from '../support/memory-logger.js';
import { useMoto } from '../support/moto.js';
import { useWorkflowUpdatesOnMoto } from './workflow-updates.js';

const ACCOUNT = '111122223333';
const PRODUCT_ARN = customProductArn('us-east-1', ACCOUNT);
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/deploy-bot`;
const moto = useMoto();
const sns = useSns();
const workflow = useWorkflowUpdatesOnMoto();
let dir: string;
let opened: OpenedFindingsStore;

beforeEach(async () => {
  await moto.reset();
  await sns.drain();
  dir = await mkdtemp(join(tmpdir(), 'warden-audit-hub-'));
  opened = await openEmbeddedStore(dir);
});

afterEach(async () => {
  await opened.close();
  await rm(dir, { recursive: true, force: true });
});

const hubClient = (endpoint = moto.endpoint) => new SecurityHubClient({ endpoint, region: 'us-east-1', credentials: moto.credentials, maxAttempts: 1 });
const imported = async () => (await hubClient().send(new GetFindingsCommand({}))).Findings ?? [];

function accountWithOldKey(): FakeAccount {
  const account = new FakeAccount(day(100));
  account.addUser('deploy-bot', [{ id: 'AKIAOLDDEPLOYKEY0001', status: 'Active', created: day(0), lastUsed: day(99) }]);
  return account;
}

function audit(account: FakeAccount, at: number, endpoint?: string) {
  const { store } = opened;
  const channel = new SnsChannel({ topicArn: sns.topicArn, client: sns.client(2) });
  const exporter = new SecurityHubExport({ client: hubClient(endpoint), productArn: PRODUCT_ARN, ledger: store, rules: keyAuditRules, sleep: async () => {} });
  account.clock = day(at);
  return auditKeys({
    ...account.clients,
    rotationStates: new InMemoryRotationStateStore(),
    settings: settingsWith({ mode: 'report' }),
    now: () => day(at),
    report: account.report(),
    store,
    alerter: new Alerter({ store, channel, settings: DEFAULT_ALERT_SETTINGS, rules: keyAuditRules }),
    exporter,
    logger: memoryLogger().logger,
  });
}

describe('auditKeys with the Security Hub export', () => {
  it('imports what it opens, on the user at risk (IAM has no region) with its CIS and control references, and archives it RESOLVED once the key is gone', async () => {
    const account = accountWithOldKey();

    const first = await audit(account, 100);
    const afterFirst = await imported();
    account.users.get('deploy-bot')!.keys = [];
    const second = await audit(account, 101);
    const afterSecond = await imported();

    expect(first).toMatchObject({ findings: 1, exported: 1, exportFailed: 0 });
    expect(afterFirst[0]?.Resources?.[0]).not.toHaveProperty('Region');
    expect(afterFirst).toMatchObject([
      {
        GeneratorId: 'iam-warden/access-key-not-rotated',
        AwsAccountId: ACCOUNT,
        ProductArn: PRODUCT_ARN,
        // Report mode lists no user, so the key slot's key id is not known: the user is the resource. IAM has no region.
        Resources: [{ Type: 'AwsIamUser', Id: USER_ARN, Partition: 'aws' }],
        Compliance: { Status: 'FAILED', RelatedRequirements: ['CIS AWS Foundations Benchmark/1.14', 'AWS Foundational Security Best Practices/IAM.3'] },
        Remediation: { Recommendation: { Url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-3' } },
        RecordState: 'ACTIVE',
      },
    ]);
    expect(second).toMatchObject({ resolved: 1, exported: 1, exportFailed: 0 });
    expect(afterSecond).toMatchObject([{ Id: afterFirst[0]?.Id, RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } }]);
    expect(workflow.updates()).toEqual([{ status: 'RESOLVED', ids: [afterFirst[0]?.Id] }]);
  });

  it('records on each finding that Security Hub could not be reached and fails the run, after the findings and alerts', async () => {
    const error = await audit(accountWithOldKey(), 100, 'http://127.0.0.1:9').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KeyAuditIncompleteError);
    expect((error as Error).message).toMatch(/could not export 1 finding\(s\) to Security Hub: .*; recorded on each finding not exported$/);
    const [finding] = (await opened.store.list({ ruleId: 'access-key-not-rotated' })).findings;
    expect(await opened.store.get(finding!.id)).toMatchObject({ securityHubError: expect.stringMatching(/^not exported: could not export 1 finding/) });
    expect((await sns.drain()).map((message) => message.attributes['ruleId'])).toEqual(['access-key-not-rotated']);
  });
});
