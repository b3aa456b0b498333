import { describe, expect, it } from 'vitest';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { secretNameFor } from '../../shared/keys/act.js';
import { runKeyAudit, type AuditResult } from '../../shared/keys/audit.js';
import { InMemoryRotationStateStore, type RotationState } from '../../shared/keys/rotation-state.js';
import type { FieldLogger as Logger } from '../../shared/logging/logger.js';
import type { KeySettings } from '../../shared/keys/settings.js';
import { FakeAccount } from './fake-account.js';
import { ACCOUNT, day, settingsWith } from './helpers.js';

const OLD = 'AKIAOLDKEY0000000001';

function recordingLogger(): Logger & { lines: unknown[] } {
  const lines: unknown[] = [];
  const log = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, message, ...fields });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function setup(settings: Partial<KeySettings> = { mode: 'rotate' }) {
  const account = new FakeAccount(day(0));
  const store = new InMemoryRotationStateStore();
  const logger = recordingLogger();
  const audit = (n: number, hours = 0) => {
    account.clock = day(n, hours);
    account.log.length = 0;
    return runKeyAudit({
      ...account.clients,
      rotationStates: store,
      settings: settingsWith(settings),
      now: () => day(n, hours),
      logger,
      report: account.report(),
    });
  };
  return { account, store, logger, audit };
}

/** alice: one key made 100 days before day 0, used daily. */
function withAlice(account: FakeAccount) {
  account.addUser('alice', [{ id: OLD, status: 'Active', created: day(-100), lastUsed: day(0, -2) }], { owner: 'alice.owner@example.com', team: 'data' }, [
    'developers',
  ]);
}

describe('a rotation, executed against IAM and Secrets Manager', () => {
  it('day 0: lists the user, claims the rotation, creates the key, stores it with its policy before its value', async () => {
    const { account, store, audit } = setup();
    withAlice(account);
    const result = await audit(0);
    expect(account.log).toEqual([
      'ListAccessKeys alice',
      'ListUserTags alice',
      'ListUserTags alice',
      'ListGroupsForUser alice',
      'CreateAccessKey alice',
      'CreateSecret iam-warden/access-keys/alice',
      'PutResourcePolicy iam-warden/access-keys/alice',
      'PutSecretValue iam-warden/access-keys/alice',
    ]);
    const secret = account.secrets.get('iam-warden/access-keys/alice');
    expect(JSON.parse(secret?.value ?? '{}')).toMatchObject({
      userName: 'alice',
      accessKeyId: 'AKIANEW0000000000001',
      secretAccessKey: account.issuedSecrets[0],
    });
    expect(JSON.parse(secret?.policy ?? '{}').Statement[1]).toMatchObject({
      Effect: 'Deny',
      Condition: { StringNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` } },
    });
    expect(secret?.tags).toContainEqual({ Key: 'owner', Value: 'alice.owner@example.com' });
    expect(await store.get('alice')).toMatchObject({
      phase: 'delivered',
      oldKeyId: OLD,
      newKeyId: 'AKIANEW0000000000001',
      deactivateAt: day(7).toISOString(),
      deleteAt: day(17).toISOString(),
    });
    expect(result.notices).toEqual([
      {
        user: 'alice',
        owner: 'alice.owner@example.com',
        newKeyId: 'AKIANEW0000000000001',
        secretName: 'iam-warden/access-keys/alice',
        oldKeyId: OLD,
        deactivateAt: day(7).toISOString(),
        deleteAt: day(17).toISOString(),
      },
    ]);
    const finding = result.findings.find((f) => f.ruleId === 'access-key-not-rotated');
    expect(finding?.details).toMatchObject({
      owner: 'alice.owner@example.com',
      accessKeyId: OLD,
      rotation: { phase: 'delivered', newKeyStoredAt: 'iam-warden/access-keys/alice' },
    });
  });

  it('runs the whole timeline: nothing on days 1-6, deactivate on day 7, nothing until day 17, delete on day 17', async () => {
    const { account, store, audit } = setup();
    withAlice(account);
    await audit(0);
    const alice = account.users.get('alice');
    const byDay: Record<number, string[]> = {};
    for (let n = 1; n <= 18; n += 1) {
      // The owner keeps using the old key until day 5, then switches late: no early deactivation.
      const old = alice?.keys.find((k) => k.id === OLD);
      if (old !== undefined && n <= 5) old.lastUsed = day(n, -1);
      await audit(n);
      byDay[n] = account.writes();
    }
    expect(byDay).toEqual({
      1: [],
      2: [],
      3: [],
      4: [],
      5: [],
      6: [],
      7: [`UpdateAccessKey alice/${OLD} Inactive`],
      8: [],
      9: [],
      10: [],
      11: [],
      12: [],
      13: [],
      14: [],
      15: [],
      16: [],
      17: [`DeleteAccessKey alice/${OLD}`],
      18: [],
    });
    expect(alice?.keys.map((k) => k.id)).toEqual(['AKIANEW0000000000001']);
    expect(await store.get('alice')).toMatchObject({ phase: 'done' });
  });

  it('deactivates early once the new key is used and the old one has been quiet for 2 days', async () => {
    const { account, audit } = setup();
    withAlice(account);
    await audit(0);
    const alice = account.users.get('alice');
    const newKey = alice?.keys.find((k) => k.id !== OLD);
    if (newKey) newKey.lastUsed = day(1);
    await audit(1);
    expect(account.writes()).toEqual([]);
    await audit(2);
    expect(account.writes()).toEqual([`UpdateAccessKey alice/${OLD} Inactive`]);
  });

  it('when PutSecretValue fails after CreateAccessKey, deletes the undelivered key; the retry creates exactly one new key', async () => {
    const { account, store, audit, logger } = setup();
    withAlice(account);
    account.secretsManager.on(PutSecretValueCommand).rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'InternalServiceError' }));
    const failed = await audit(0);
    expect(account.writes()).toEqual([
      'CreateAccessKey alice',
      'CreateSecret iam-warden/access-keys/alice',
      'PutResourcePolicy iam-warden/access-keys/alice',
      'DeleteAccessKey alice/AKIANEW0000000000001',
    ]);
    expect(failed.outcomes).toMatchObject([{ kind: 'start-rotation', status: 'failed' }]);
    expect(await store.get('alice')).toMatchObject({ phase: 'starting', newKeyId: undefined });
    expect(account.users.get('alice')?.keys.map((k) => k.id)).toEqual([OLD]);

    // Restore the real PutSecretValue behaviour and retry.
    account.secretsManager.reset();
    const fresh = new FakeAccount(day(0));
    fresh.users.set('alice', account.users.get('alice')!);
    for (const [name, value] of account.secrets) fresh.secrets.set(name, value);
    const retry = await runKeyAudit({
      ...fresh.clients,
      iam: account.clients.iam,
      rotationStates: store,
      settings: settingsWith({ mode: 'rotate' }),
      now: () => day(0, 2),
      logger,
      report: account.report(),
    });
    expect(retry.outcomes).toMatchObject([{ kind: 'resume-rotation', status: 'done' }]);
    expect(account.log.filter((line) => line.startsWith('CreateAccessKey'))).toHaveLength(2); // one per run, never two in one
    expect(fresh.log).toEqual([
      'CreateSecret iam-warden/access-keys/alice',
      // The first run's secret is reused: checked before its policy and value are written.
      'DescribeSecret iam-warden/access-keys/alice',
      'PutResourcePolicy iam-warden/access-keys/alice',
      'PutSecretValue iam-warden/access-keys/alice',
    ]);
    expect(account.users.get('alice')?.keys.map((k) => k.id)).toEqual([OLD, 'AKIANEW0000000000002']);
    expect(await store.get('alice')).toMatchObject({ phase: 'delivered', newKeyId: 'AKIANEW0000000000002' });
  });

  it('a run that died after CreateAccessKey: the next run, after the lease, deletes the orphan key, then creates one', async () => {
    const { account, store, audit } = setup();
    withAlice(account);
    // The dead run claimed the rotation and created a key, then vanished before recording its id.
    const dead: RotationState = {
      user: 'alice',
      userArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      phase: 'starting',
      oldKeyId: OLD,
      newKeyId: undefined,
      startedAt: day(0).toISOString(),
      deactivateAt: day(7).toISOString(),
      deleteAt: day(17).toISOString(),
      leaseUntil: day(0, 0.25).toISOString(),
      secretName: 'iam-warden/access-keys/alice',
      owner: undefined,
      updatedAt: day(0).toISOString(),
      note: undefined,
      version: 1,
    };
    await store.putIfAbsent(dead);
    account.users.get('alice')?.keys.push({ id: 'AKIAORPHAN0000000001', status: 'Active', created: day(0, 0.01), lastUsed: undefined });

    await audit(0, 0.2); // lease still held: leave it alone
    expect(account.writes()).toEqual([]);

    await audit(1);
    expect(account.writes()).toEqual([
      'DeleteAccessKey alice/AKIAORPHAN0000000001',
      'CreateAccessKey alice',
      'CreateSecret iam-warden/access-keys/alice',
      'PutResourcePolicy iam-warden/access-keys/alice',
      'PutSecretValue iam-warden/access-keys/alice',
    ]);
    expect(account.users.get('alice')?.keys.map((k) => k.id)).toEqual([OLD, 'AKIANEW0000000000001']);
  });

  it('two overlapping runs create one key: the second loses the conditional claim', async () => {
    const { account, store } = setup();
    withAlice(account);
    const run = () =>
      runKeyAudit({ ...account.clients, rotationStates: store, settings: settingsWith({ mode: 'rotate' }), now: () => day(0), report: account.report() });
    const [a, b] = await Promise.all([run(), run()]);
    expect(account.log.filter((line) => line.startsWith('CreateAccessKey'))).toEqual(['CreateAccessKey alice']);
    expect([...a.outcomes, ...b.outcomes].map((o) => o.status).sort()).toEqual(['done', 'skipped']);
  });

  it('a CreateAccessKey refused at the two-key limit stops the rotation; a transient failure frees it for the next run', async () => {
    const { account, store, audit } = setup();
    withAlice(account);
    account.iam
      .on(CreateAccessKeyCommand)
      .rejectsOnce(Object.assign(new Error('Cannot exceed quota for AccessKeysPerUser: 2'), { name: 'LimitExceededException' }));
    expect((await audit(0)).outcomes).toMatchObject([{ kind: 'start-rotation', status: 'failed' }]);
    expect(await store.get('alice')).toMatchObject({ phase: 'abandoned', note: 'the user already has two keys' });

    const other = setup();
    withAlice(other.account);
    other.account.iam.on(CreateAccessKeyCommand).rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'ServiceFailureException' }));
    await other.audit(0);
    expect(await other.store.get('alice')).toMatchObject({ phase: 'starting', leaseUntil: day(0).toISOString() });
  });

  it('never creates a key for a user who already has two', async () => {
    const { account, audit } = setup();
    account.addUser('bob', [
      { id: 'AKIABOB1', status: 'Active', created: day(-200), lastUsed: day(0, -1) },
      { id: 'AKIABOB2', status: 'Inactive', created: day(-150), lastUsed: undefined },
    ]);
    await audit(0);
    expect(account.writes()).toEqual([]);
  });
});

describe('a secret that already exists under the prefix', () => {
  const SECRET = 'iam-warden/access-keys/alice';
  const OTHER_KEY = 'arn:aws:kms:us-east-1:444455556666:key/0e5c7a2b-1111-2222-3333-444455556666';

  it.each([
    ['encrypted with another KMS key', { kmsKeyId: OTHER_KEY }, 'encrypted with another KMS key'],
    ['replicated to another region', { replicaRegions: ['eu-west-1'] }, 'replicated to eu-west-1'],
  ])('is not given the key when %s: the new key is deleted again, nothing is written to the secret', async (_case, existing, detail) => {
    const { account, store, audit } = setup();
    withAlice(account);
    account.secrets.set(SECRET, { tags: [], ...existing });

    const result = await audit(0);

    expect(account.writes()).toEqual([
      'CreateAccessKey alice',
      `CreateSecret ${SECRET}`,
      `DescribeSecret ${SECRET}`,
      'DeleteAccessKey alice/AKIANEW0000000000001',
    ]);
    expect(result.outcomes).toMatchObject([{ kind: 'start-rotation', status: 'failed', detail: expect.stringContaining(detail) }]);
    expect(account.secrets.get(SECRET)).toEqual({ tags: [], ...existing });
    expect(await store.get('alice')).toMatchObject({ phase: 'starting', newKeyId: undefined });
  });

  it.each([
    ['the default key, unnamed', undefined, undefined],
    ['the default key, by alias ARN', 'arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager', undefined],
    ['the configured key id, as a key ARN', OTHER_KEY, '0e5c7a2b-1111-2222-3333-444455556666'],
    ['the configured alias, as an alias ARN', 'arn:aws:kms:us-east-1:123456789012:alias/warden-secrets', 'alias/warden-secrets'],
  ])('is given the key when encrypted with %s', async (_case, kmsKeyId, secretKmsKeyId) => {
    const { account, audit } = setup({ mode: 'rotate', secretKmsKeyId });
    withAlice(account);
    account.secrets.set(SECRET, { tags: [], ...(kmsKeyId === undefined ? {} : { kmsKeyId }) });

    const result = await audit(0);

    expect(result.outcomes).toMatchObject([{ kind: 'start-rotation', status: 'done' }]);
    expect(account.writes().slice(-3)).toEqual([`DescribeSecret ${SECRET}`, `PutResourcePolicy ${SECRET}`, `PutSecretValue ${SECRET}`]);
  });
});

describe('deactivate mode, exemptions and the cap', () => {
  it('lists only users that may need a change, skips exempt ones, acts on at most K and reports the cap', async () => {
    const { account, audit } = setup({ mode: 'deactivate', maxActionsPerRun: 2, exemptGroups: ['break-glass'] });
    const idle = (id: string) => [{ id, status: 'Active' as const, created: day(-100), lastUsed: day(-60) }];
    account.addUser('a-exempt-tag', idle('AKIAA'), { 'iam-warden:exempt': 'vendor integration, SEC-42' });
    account.addUser('b-exempt-group', idle('AKIAB'), {}, ['break-glass']);
    account.addUser('c-idle', idle('AKIAC'));
    account.addUser('d-busy', [{ id: 'AKIAD', status: 'Active', created: day(-10), lastUsed: day(0, -1) }]);
    account.addUser('e-idle', idle('AKIAE'));
    account.addUser('f-idle', idle('AKIAF'));
    const result = await audit(0);
    expect(account.writes()).toEqual(['UpdateAccessKey c-idle/AKIAC Inactive', 'UpdateAccessKey e-idle/AKIAE Inactive']);
    expect(account.log.filter((line) => line.startsWith('ListAccessKeys')).map((line) => line.split(' ')[1])).toEqual([
      'a-exempt-tag',
      'b-exempt-group',
      'c-idle',
      'e-idle',
    ]);
    expect(result.skipped.map((s) => s.user)).toEqual(['a-exempt-tag', 'b-exempt-group']);
    expect(result.capHit).toBe(true);
    expect(result.usersListed).toBe(4);
  });

  it('report mode makes no per-user call and changes nothing', async () => {
    const { account, audit } = setup({ mode: 'report' });
    withAlice(account);
    const result = await audit(0);
    expect(account.log).toEqual([]);
    expect(result.findings.map((f) => f.details['plannedAction'] as { action: string; dryRun: boolean }).at(0)).toMatchObject({
      action: 'rotate',
      dryRun: true,
    });
  });
});

describe('the secret access key goes to Secrets Manager only', () => {
  it('appears in no log line, finding, outcome, notice or error', async () => {
    const { account, logger, audit } = setup();
    withAlice(account);
    account.addUser('carol', [{ id: 'AKIACAROL', status: 'Active', created: day(-120), lastUsed: day(0, -1) }]);
    // A failure whose message carries the secret must not leak it either.
    account.secretsManager.on(PutSecretValueCommand).callsFakeOnce((input: { SecretString?: string }) => {
      throw new Error(`rejected value ${JSON.parse(input.SecretString ?? '{}').secretAccessKey}`);
    });
    const results: AuditResult[] = [await audit(0), await audit(1)];
    expect(account.issuedSecrets.length).toBeGreaterThanOrEqual(2);
    const visible = JSON.stringify({ lines: logger.lines, results: results.map((r) => ({ ...r, seen: [...r.seen] })) });
    for (const secret of account.issuedSecrets) expect(visible).not.toContain(secret);
    expect(visible).toContain('rejected value [REDACTED]');
  });
});

describe('secretNameFor', () => {
  it('gives every IAM user name its own secret name, within the characters Secrets Manager allows', () => {
    const users = ['a,b', 'a-b', 'a=2Cb', 'svc.deploy@example', 'plain'];
    const names = users.map((user) => secretNameFor('iam-warden/access-keys/', user));
    expect(new Set(names).size).toBe(users.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9/_+=.@-]+$/);
    expect(names[4]).toBe('iam-warden/access-keys/plain');
  });
});
