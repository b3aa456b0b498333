import { describe, expect, it } from 'vitest';
import { FindingNotFoundError, StoreInUseError } from '../../shared/findings/errors.js';
import { explainFailure } from '../../shared/cli/main.js';
import { ExitCode, UsageError } from '../../shared/cli/io.js';
import { runWarden } from '../support/cli.js';

describe('warden', () => {
  it('lists its commands with --help and refuses an unknown one', async () => {
    const help = await runWarden(['--help']);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.stdout).toContain('warden replay --help');
    const unknown = await runWarden(['replya']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toContain('unknown command "replya"');
  });

  it.each([
    [new UsageError('--limit must be a positive whole number'), ExitCode.usage, '--limit'],
    [new FindingNotFoundError('no finding abc'), ExitCode.notFound, 'no finding abc'],
    [Object.assign(new Error("ENOENT: no such file or directory, open 'r.csv'"), { code: 'ENOENT', path: 'r.csv' }), ExitCode.notFound, 'no such file: r.csv'],
    [new StoreInUseError('store .warden is in use by process 42'), ExitCode.busy, 'try again'],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), ExitCode.failure, '--credential-report'],
    [new Error('Region is missing'), ExitCode.failure, '--region or set AWS_REGION'],
  ] as const)('explains %s', (error, code, words) => {
    const [message, status] = explainFailure(error);
    expect(status).toBe(code);
    expect(message).toContain(words);
  });
});
