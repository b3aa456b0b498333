// The scheduled audit end to end below Lambda: a simulated account (IAM and Secrets Manager mocked,
// no emulator implements them), the findings table on dynalite, alerts through the real SNS client
// to fauxqs. Rotate mode: the owner hears about the new key once; the secret never leaves Secrets Manager.
import { beforeEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../shared/alerts/alerter.js';
import { SnsChannel } from '../../shared/alerts/channels/sns.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts/settings.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { auditKeys } from '../../shared/handlers/audit-keys.js';
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { InMemoryRotationStateStore } from '../../shared/keys/rotation-state.js';
import { keyAuditRules } from '../../shared/keys/rules/catalogue.js';
import { FakeAccount } from '../keys/fake-account.js';
import { day, settingsWith } from '../keys/helpers.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { memoryLogger } from '../support/memory-logger.js';

const dynamo = useDynalite();
const sns = useSns();
let store: FindingsStore;

beforeEach(async () => {
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('audit-keys'), { now: () => day(100) });
  await sns.drain();
});

function accountWithOldKey(): FakeAccount {
  const account = new FakeAccount(day(100));
  account.addUser('deploy-bot', [{ id: 'AKIAOLDDEPLOYKEY0001', status: 'Active', created: day(0), lastUsed: day(99) }], { owner: 'ops@example.com' });
  return account;
}

async function audit(account: FakeAccount, rotationStates = new InMemoryRotationStateStore(), extra: { ownRoleName?: string } = {}) {
  const channel = new SnsChannel({ topicArn: sns.topicArn, client: sns.client(2) });
  const alerter = new Alerter({ store, channel, settings: DEFAULT_ALERT_SETTINGS, rules: keyAuditRules });
  const { logger, text } = memoryLogger();
  const summary = await auditKeys({
    ...account.clients,
    rotationStates,
    settings: settingsWith({ mode: 'rotate' }),
    now: () => day(100),
    report: account.report(),
    store,
    alerter,
    logger,
    ...extra,
  });
  return { summary, logs: text() };
}

describe('auditKeys', () => {
  it('alerts once on an opened key finding and tells the owner about the rotated key, without the secret', async () => {
    const account = accountWithOldKey();
    const { summary, logs } = await audit(account);

    const delivered = await sns.drain();
    expect(summary).toMatchObject({ mode: 'rotate', changesDone: 1, alertsSent: 1, noticesSent: 1 });
    expect(delivered.map((message) => message.subject).sort()).toEqual([
      '[ACTION] New access key for deploy-bot in 111122223333',
      '[MEDIUM] An active access key is older than the rotation age in 111122223333',
    ]);
    const notice = delivered.find((message) => message.subject?.startsWith('[ACTION]'));
    expect(notice?.attributes).toMatchObject({ kind: 'notice', ruleId: 'access-key-not-rotated' });
    expect(JSON.parse(notice?.message ?? '{}').email).toContain('Owner:         ops@example.com');
    const secret = account.issuedSecrets[0]!;
    expect(delivered.some((message) => message.raw.includes(secret))).toBe(false);
    expect(logs).not.toContain(secret);
  });

  it('does not alert again when the next audit sees the same finding', async () => {
    const account = accountWithOldKey();
    const rotationStates = new InMemoryRotationStateStore();
    await audit(account, rotationStates);
    await sns.drain();

    const { summary } = await audit(account, rotationStates);

    expect(summary).toMatchObject({ alertsSent: 0, noticesSent: 0 });
    expect(await sns.drain()).toEqual([]);
  });

  it('mutes its own rotations for the rule that reports keys created for another user, for its role only', async () => {
    await audit(accountWithOldKey(), new InMemoryRotationStateStore(), { ownRoleName: 'iam-warden-prod-AuditRole-ABC123' });

    const suppressions = await store.suppressions();
    expect(suppressions).toMatchObject([
      { ruleId: 'credentials-created-for-another-user', actorPattern: 'arn:*:sts::*:assumed-role/iam-warden-prod-AuditRole-ABC123/*' },
    ]);
  });

  it('still sweeps for owed alerts when the audit itself fails', async () => {
    const account = accountWithOldKey();
    const channel = new SnsChannel({ topicArn: sns.topicArn, client: sns.client(2) });
    const alerter = new Alerter({ store, channel, settings: DEFAULT_ALERT_SETTINGS, rules: keyAuditRules });
    let swept = false;
    const sweep = alerter.sweep.bind(alerter);
    alerter.sweep = async (...args) => {
      swept = true;
      return sweep(...args);
    };
    account.iam.on(ListAccessKeysCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttling' }));

    await expect(
      auditKeys({
        ...account.clients,
        rotationStates: new InMemoryRotationStateStore(),
        settings: settingsWith({ mode: 'rotate' }),
        now: () => day(100),
        report: account.report(),
        store,
        alerter,
        logger: memoryLogger().logger,
      }),
    ).rejects.toThrow();
    expect(swept).toBe(true);
  });
});
