import { describe, expect, it } from 'vitest';
import { resolutionsAmong, type Decision } from '../../shared/keys/decide.js';
import { findingIdOf } from '../../shared/findings/finding.js';
import type { CredentialReportRow } from '../../shared/keys/credential-report.js';
import { ACCOUNT, day, decideAt as run, factsOf, key, noKey, rootRow, rotationState, userRow } from './helpers.js';

// The findings side of decide(); the changes are in rotation-planner.test.ts, each check's own rows in its examples.
const rulesOf = (decision: Decision) => decision.findings.map((f) => `${f.ruleId}:${f.severity}:${f.scope ?? ''}`).sort();

describe('checks at and around their thresholds', () => {
  // Key 1 created at day 0; `now` is day N.
  const cases: { name: string; row: (now: number) => CredentialReportRow; days: [number, string[]][] }[] = [
    {
      name: 'access-key-never-used after a 7-day grace',
      row: () => userRow('neo', { keys: [key(day(0)), noKey] }),
      days: [
        [6, []],
        [7, ['access-key-never-used:medium:access_key_1']],
        [8, ['access-key-never-used:medium:access_key_1']],
      ],
    },
    {
      name: 'credentials-unused: a used key idle 45 days',
      row: () => userRow('idle', { keys: [key(day(-1), day(0)), noKey] }),
      days: [
        [44, []],
        [45, ['credentials-unused:medium:access_key_1']],
        [46, ['credentials-unused:medium:access_key_1']],
      ],
    },
    {
      name: 'credentials-unused: a console login idle 45 days',
      row: () => userRow('clicker', { consoleAccess: true, mfaActive: true, consoleLastUsed: day(0) }),
      days: [
        [44, []],
        [45, ['credentials-unused:medium:console']],
        [46, ['credentials-unused:medium:console']],
      ],
    },
    {
      name: 'access-key-not-rotated: medium from 90 days, high from 180 (key used yesterday)',
      row: (now) => userRow('busy', { keys: [key(day(0), day(now - 1)), noKey] }),
      days: [
        [89, []],
        [90, ['access-key-not-rotated:medium:access_key_1']],
        [91, ['access-key-not-rotated:medium:access_key_1']],
        [179, ['access-key-not-rotated:medium:access_key_1']],
        [180, ['access-key-not-rotated:high:access_key_1']],
        [181, ['access-key-not-rotated:high:access_key_1']],
      ],
    },
    {
      name: 'an inactive key raises nothing',
      row: () => userRow('sleeper', { keys: [key(day(0), undefined, false), noKey] }),
      days: [
        [8, []],
        [200, []],
      ],
    },
  ];
  for (const testCase of cases) {
    for (const [n, expected] of testCase.days) {
      it(`${testCase.name}: day ${n}`, () => {
        expect(rulesOf(run([testCase.row(n)], day(n)))).toEqual(expected);
      });
    }
  }

  it('a threshold is reached at N x 24 h exactly, not an hour before', () => {
    const row = userRow('neo', { keys: [key(day(0)), noKey] });
    expect(rulesOf(run([row], day(7, -1)))).toEqual([]);
    expect(rulesOf(run([row], day(7)))).toEqual(['access-key-never-used:medium:access_key_1']);
  });

  it('thresholds are settings', () => {
    const row = userRow('busy', { keys: [key(day(0), day(59)), noKey] });
    expect(rulesOf(run([row], day(60), { settings: { rotationDays: 60, rotationHighDays: 70, hardLimitDays: 0 } }))).toEqual([
      'access-key-not-rotated:medium:access_key_1',
    ]);
  });
});

describe('console and root', () => {
  it('flags a console user without MFA, not one with MFA or without a console login', () => {
    const rows = [
      userRow('nomfa', { consoleAccess: true, mfaActive: false, consoleLastUsed: day(9) }),
      userRow('withmfa', { consoleAccess: true, mfaActive: true, consoleLastUsed: day(9) }),
      userRow('apionly', { consoleAccess: false, mfaActive: false }),
    ];
    const findings = run(rows, day(10)).findings;
    expect(findings.map((f) => [f.ruleId, f.details['user'], f.severity])).toEqual([['console-user-without-mfa', 'nomfa', 'high']]);
  });

  it('a console login never used counts as unused from its last change, else from the user creation', () => {
    const changed = userRow('newpw', { consoleAccess: true, mfaActive: true, consoleLastChanged: day(0) });
    expect(rulesOf(run([changed], day(44)))).toEqual([]);
    expect(rulesOf(run([changed], day(45)))).toEqual(['credentials-unused:medium:console']);
    const created = userRow('fresh', { consoleAccess: true, mfaActive: true, userCreationTime: day(0) });
    expect(rulesOf(run([created], day(45)))).toEqual(['credentials-unused:medium:console']);
  });

  it('raises root-access-key-exists per active root key and root-mfa-disabled, and never an action for root', () => {
    const root = rootRow({ mfaActive: false, consoleAccess: false, keys: [key(day(-500), day(-400)), key(day(-10))] });
    const decision = run([root], day(0), { settings: { mode: 'rotate' }, facts: { '<root_account>': factsOf([]) } });
    expect(rulesOf(decision)).toEqual([
      'root-access-key-exists:critical:access_key_1',
      'root-access-key-exists:critical:access_key_2',
      'root-mfa-disabled:critical:',
    ]);
    expect(decision.actions).toEqual([]);
    expect(decision.needFacts).toEqual([]);
    const keyFinding = decision.findings[0];
    expect(keyFinding?.resource).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(JSON.stringify(keyFinding?.details['plannedAction'])).toContain('Security credentials');
  });

  it('a root user with MFA and no key raises nothing', () => {
    expect(run([rootRow()], day(0)).findings).toEqual([]);
  });
});

describe('findings fit the shared Detected shape', () => {
  it('carries the audit event id, the user ARN, the scope and a finding id of rule + account + resource + scope', () => {
    const row = userRow('neo', { keys: [key(day(0)), noKey] });
    const [finding] = run([row], day(8)).findings;
    expect(finding).toMatchObject({
      ruleId: 'access-key-never-used',
      eventId: `audit:${day(8).toISOString()}`,
      resource: `arn:aws:iam::${ACCOUNT}:user/neo`,
      scope: 'access_key_1',
      account: ACCOUNT,
      findingId: findingIdOf('access-key-never-used', ACCOUNT, `arn:aws:iam::${ACCOUNT}:user/neo`, 'access_key_1'),
    });
    expect(finding?.details).toMatchObject({ user: 'neo', keySlot: 1, cis: '1.11', plannedAction: { action: 'deactivate', dryRun: true } });
  });

  it('the same report decided twice gives the same findings (idempotent)', () => {
    const row = userRow('neo', { keys: [key(day(0)), noKey], consoleAccess: true });
    expect(run([row], day(8)).findings).toEqual(run([row], day(8)).findings);
  });

  it('names the key id once it is listed', () => {
    const row = userRow('idle', { keys: [key(day(0), day(1)), noKey] });
    const decision = run([row], day(50), {
      settings: { mode: 'deactivate' },
      facts: { idle: factsOf([{ accessKeyId: 'AKIAIDLE000000000001', status: 'Active', createDate: day(0) }]) },
    });
    expect(decision.findings[0]?.details['accessKeyId']).toBe('AKIAIDLE000000000001');
    expect(decision.findings[0]?.scope).toBe('access_key_1');
  });
});

describe('two active keys', () => {
  const row = userRow('twin', { keys: [key(day(0), day(9)), key(day(5), day(9))] });
  it('flags both keys active outside a rotation', () => {
    expect(rulesOf(run([row], day(10)))).toEqual(['two-active-access-keys:medium:']);
  });
  it('does not flag them during a rotation in progress', () => {
    expect(rulesOf(run([row], day(10), { rotations: [rotationState({ user: 'twin', oldKeyId: 'AKIAOLD' })] }))).toEqual([]);
  });
  it('flags them again once the rotation is done', () => {
    expect(rulesOf(run([row], day(10), { rotations: [rotationState({ user: 'twin', oldKeyId: 'AKIAOLD', phase: 'done' })] }))).toEqual([
      'two-active-access-keys:medium:',
    ]);
  });
});

describe('resolutions', () => {
  it('resolves open key findings the audit no longer sees, including users gone from the report', () => {
    const neo = userRow('neo', { keys: [key(day(0)), noKey] });
    const decision = run([neo], day(8));
    const id = (ruleId: string, resource: string, scope?: string) => ({
      id: findingIdOf(ruleId, resource.split(':')[4] ?? '', resource, scope),
      ruleId,
      resource,
    });
    const open = [
      id('access-key-never-used', neo.arn, 'access_key_1'),
      id('access-key-never-used', neo.arn, 'access_key_2'),
      id('credentials-unused', `arn:aws:iam::${ACCOUNT}:user/deleted`, 'console'),
      id('root-access-key-created', `arn:aws:iam::${ACCOUNT}:root`, 'AKIA'),
      id('credentials-unused', 'arn:aws:iam::999999999999:user/other', 'console'),
    ];
    const resolutions = resolutionsAmong(open, { generatedTime: day(8).toISOString() }, ACCOUNT, decision.seen);
    expect(resolutions.map((r) => r.findingId)).toEqual([open[1]?.id, open[2]?.id]);
    expect(resolutions[0]).toMatchObject({
      ruleId: 'access-key-never-used',
      account: ACCOUNT,
      eventId: `audit:${day(8).toISOString()}`,
      eventTime: day(8).toISOString(),
      actor: 'iam-warden',
    });
  });
});
