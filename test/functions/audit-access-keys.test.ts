import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Handler } from 'aws-lambda';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { CREDENTIAL_REPORT_COLUMNS } from '../../shared/keys/credential-report.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { lambdaContext, scheduledEvent } from '../support/eventbridge.js';

// The real handler module and its middy chain: IAM and Secrets Manager mocked (no emulator
// implements them), the findings table on dynalite over HTTP.
const ACCOUNT = '111122223333';
const DAY = 86_400_000;
const iam = mockClient(IAMClient);
const secretsManager = mockClient(SecretsManagerClient);
const dynamo = useDynalite({ sdkEnvironment: true });
const sns = useSns('audit-alerts', { sdkEnvironment: true });
let store: FindingsStore;
let table: string;

const scheduled = scheduledEvent(ACCOUNT);

type Row = Partial<Record<(typeof CREDENTIAL_REPORT_COLUMNS)[number], string>>;
// One instant, whole seconds (as in the report): the audit matches listed keys to report slots by creation time.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const ago = (days: number): string => new Date(NOW - days * DAY).toISOString().replace(/\.\d{3}Z$/, '+00:00');

function csv(rows: Row[]): string {
  const line = (row: Row) =>
    CREDENTIAL_REPORT_COLUMNS.map(
      (column) => row[column] ?? (column.endsWith('_active') || column === 'password_enabled' || column === 'mfa_active' ? 'false' : 'N/A'),
    ).join(',');
  return [CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map(line)].join('\n');
}

const root = (keyActive: boolean): Row => ({
  user: '<root_account>',
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  user_creation_time: ago(2000),
  password_enabled: 'not_supported',
  mfa_active: 'true',
  access_key_1_active: String(keyActive),
  access_key_1_last_rotated: keyActive ? ago(500) : 'N/A',
});

/** A key unused for 200 days: a credentials-unused finding; deactivated in deactivate mode. */
const stale: Row = {
  user: 'stale-bot',
  arn: `arn:aws:iam::${ACCOUNT}:user/stale-bot`,
  user_creation_time: ago(900),
  access_key_1_active: 'true',
  access_key_1_last_rotated: ago(300),
  access_key_1_last_used_date: ago(200),
  access_key_1_last_used_region: 'us-east-1',
  access_key_1_last_used_service: 's3',
};

function serveReport(rows: Row[]): void {
  iam.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(csv(rows)), GeneratedTime: new Date(), ReportFormat: 'text/csv' });
  iam.on(ListAccessKeysCommand).resolves({
    AccessKeyMetadata: [{ UserName: 'stale-bot', AccessKeyId: 'AKIASTALEKEY00000001', Status: 'Active', CreateDate: new Date(NOW - 300 * DAY) }],
    IsTruncated: false,
  });
  iam.on(ListUserTagsCommand).resolves({ Tags: [], IsTruncated: false });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [], IsTruncated: false });
  iam.on(UpdateAccessKeyCommand).resolves({});
}

async function loadHandler(env: Record<string, string> = {}): Promise<Handler> {
  vi.resetModules();
  for (const name of Object.keys(process.env)) if (name.startsWith('WARDEN_KEYS_')) delete process.env[name];
  Object.assign(process.env, env);
  return ((await import('../../functions/audit-access-keys.js')) as unknown as { handler: Handler }).handler;
}

const invoke = (handler: Handler): Promise<unknown> => handler(scheduled, lambdaContext, () => undefined) as Promise<unknown>;
const allFindings = async () => (await store.list({ statuses: ['open', 'resolved', 'suppressed'] })).findings;

beforeAll(() => {
  Object.assign(process.env, { ALERT_TOPIC_ARN: sns.topicArn, LOG_LEVEL: 'silent' });
});

beforeEach(async () => {
  iam.reset();
  secretsManager.reset();
  table = await dynamo.createTable('audit');
  process.env['FINDINGS_TABLE'] = table;
  store = new DynamoFindingsStore(dynamo.client, table);
});

describe('audit-access-keys handler', () => {
  it('records the findings of the credential report and changes nothing in report mode', async () => {
    serveReport([root(true), stale]);
    const handler = await loadHandler();

    const summary = await invoke(handler);

    expect(summary).toMatchObject({ mode: 'report', users: 2, changesDone: 0, changesFailed: 0, alertsSent: 3 });
    expect((await sns.drain()).map((message) => message.attributes['ruleId']).sort()).toEqual([
      'access-key-not-rotated',
      'credentials-unused',
      'root-access-key-exists',
    ]);
    const rules = (await allFindings()).map((finding) => finding.ruleId).sort();
    expect(rules).toEqual(expect.arrayContaining(['root-access-key-exists', 'credentials-unused']));
    expect(iam).not.toHaveReceivedCommand(UpdateAccessKeyCommand);
    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(iam).not.toHaveReceivedCommand(DeleteAccessKeyCommand);
    expect(secretsManager.calls()).toHaveLength(0);
    // A young report is reused: no new report is asked for.
    expect(iam).not.toHaveReceivedCommand(GenerateCredentialReportCommand);
  });

  it('resolves a finding the next audit no longer sees, and writes each finding once per report', async () => {
    serveReport([root(true), stale]);
    const handler = await loadHandler();
    await invoke(handler);
    await invoke(handler);
    const rootKey = () => allFindings().then((findings) => findings.find((finding) => finding.ruleId === 'root-access-key-exists'));
    expect((await rootKey())?.count).toBe(1);

    serveReport([root(false), stale]);
    const summary = await invoke(handler);

    expect(summary).toMatchObject({ resolved: 1 });
    expect((await rootKey())?.status).toBe('resolved');
    expect((await allFindings()).find((finding) => finding.ruleId === 'credentials-unused')?.status).toBe('open');
  });

  it('deactivates the stale key in deactivate mode, and only that key', async () => {
    serveReport([root(false), stale]);
    const handler = await loadHandler({ WARDEN_KEYS_MODE: 'deactivate' });

    const summary = await invoke(handler);

    expect(summary).toMatchObject({ mode: 'deactivate', changesDone: 1, changesFailed: 0 });
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 1);
    expect(iam).toHaveReceivedCommandWith(UpdateAccessKeyCommand, { UserName: 'stale-bot', AccessKeyId: 'AKIASTALEKEY00000001', Status: 'Inactive' });
    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
  });

  it('fails the invocation after writing the findings when a key change fails, so the alarm fires', async () => {
    serveReport([root(false), stale]);
    iam.on(UpdateAccessKeyCommand).rejects(Object.assign(new Error('User is not authorized to perform iam:UpdateAccessKey'), { name: 'AccessDenied' }));
    const handler = await loadHandler({ WARDEN_KEYS_MODE: 'deactivate' });

    await expect(invoke(handler)).rejects.toThrow(/1 key change\(s\) and 0 rotation notice\(s\) failed/);
    expect((await allFindings()).map((finding) => finding.ruleId)).toContain('credentials-unused');
  });

  it('fails fast at start-up on a wrong setting, naming it', async () => {
    await expect(loadHandler({ WARDEN_KEYS_MODE: 'delete-everything' })).rejects.toThrow(/WARDEN_KEYS_MODE/);
  });

  it('rethrows when the report cannot be read, so Lambda retries', async () => {
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const handler = await loadHandler();
    await expect(invoke(handler)).rejects.toThrow('denied');
    expect(await allFindings()).toEqual([]);
  });
});
