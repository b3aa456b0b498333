import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keysCommand as keys } from '../../shared/cli/commands/keys.js';
import { cliDependencies } from '../../shared/cli/dependencies.js';
import { ExitCode, UsageError, type CliIO } from '../../shared/cli/io.js';
import type { Environment } from '../../shared/config/settings.js';

/** `warden keys ...` with the dependencies main.ts would build, but this test's environment. */
const keysCommand = (argv: string[], io: CliIO, env: Environment): Promise<number> => keys.run(argv, cliDependencies(io, { env }));

const FIXTURE = fileURLToPath(new URL('../events/credential-reports/realistic.csv', import.meta.url));

function recorder(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (text) => void out.push(text), err: (text) => void err.push(text), errIsTTY: false, stdin: Readable.from([stdin]) };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('warden keys --credential-report', () => {
  it('prints one JSON finding per line with ruleId, user and the planned action', async () => {
    const { io, out, err } = recorder();
    const code = await keysCommand(['--credential-report', FIXTURE, '--now', '2026-11-24T09:00:00Z', '--json'], io, {});
    expect(code).toBe(ExitCode.ok);
    const lines = out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.ruleId} ${l.user} ${l.scope ?? ''}`)).toEqual([
      'root-access-key-exists <root_account> access_key_1',
      'root-mfa-disabled <root_account> ',
      'access-key-not-rotated alice access_key_1',
      'console-user-without-mfa bob console',
      'credentials-unused bob console',
      'access-key-not-rotated ci-deployer access_key_1',
      'access-key-never-used ci-deployer access_key_2',
      'two-active-access-keys ci-deployer ',
      'credentials-unused old-batch access_key_1',
      'access-key-not-rotated old-batch access_key_1',
    ]);
    expect(lines[2]).toMatchObject({ severity: 'high', plannedAction: { action: 'rotate', dryRun: true } });
    expect(lines[5]).toMatchObject({ plannedAction: { action: 'none' }, summary: expect.stringContaining('already has two keys') });
    expect(lines[8]).toMatchObject({ plannedAction: { action: 'deactivate', dryRun: true } });
    expect(err()).toContain('10 finding(s) for 5 user(s)');
  });

  it('reads the base64 Content from stdin and prints a table', async () => {
    const { io, out } = recorder(Buffer.from(readFileSync(FIXTURE)).toString('base64'));
    expect(await keysCommand(['--credential-report', '-', '--now', '2026-11-24T09:00:00Z'], io, {})).toBe(ExitCode.ok);
    expect(out().split('\n')[0]).toMatch(/^SEVERITY\s+RULE\s+USER\s+SCOPE\s+PLANNED\s+SUMMARY$/);
    expect(out()).toContain('root-mfa-disabled');
  });

  it('settings come from the environment, and a wrong one is named', async () => {
    const { io, out } = recorder();
    await keysCommand(['--credential-report', FIXTURE, '--now', '2026-11-24T09:00:00Z', '--json'], io, {
      WARDEN_KEYS_ROTATION_DAYS: '400',
      WARDEN_KEYS_ROTATION_HIGH_DAYS: '500',
      WARDEN_KEYS_HARD_LIMIT_DAYS: '0',
    });
    expect(out()).not.toContain('"ruleId":"access-key-not-rotated","severity":"medium","user":"alice"');
    await expect(keysCommand(['--credential-report', FIXTURE], recorder().io, { WARDEN_KEYS_UNUSED_DAYS: 'soon' })).rejects.toThrow(
      /WARDEN_KEYS_UNUSED_DAYS must be a whole number/,
    );
  });

  it.each([
    [['--credential-report', FIXTURE, '--mode', 'rotate'], /only --mode report/],
    [['--mode', 'sometimes'], /--mode must be one of/],
    [['--mode', 'rotate'], /needs --table/],
    [['--credential-report', FIXTURE, '--now', 'tuesday'], /--now must be an ISO/],
  ])('rejects %j', async (argv, message) => {
    await expect(keysCommand(argv, recorder().io, {})).rejects.toThrow(UsageError);
    await expect(keysCommand(argv, recorder().io, {})).rejects.toThrow(message);
  });
});
