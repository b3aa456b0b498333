import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { explainFailure } from '../../shared/cli/main.js';
import { findingsCommand as findingsSubcommands } from '../../shared/cli/commands/findings.js';
import { CSV_COLUMNS, parseSince } from '../../shared/cli/commands/findings/list.js';
import { cliDependencies, type CliOverrides } from '../../shared/cli/dependencies.js';
import { ExitCode, UsageError, type CliIO } from '../../shared/cli/io.js';

/** `warden findings ...` with the dependencies main.ts would build, but this test's clock and user. */
const findingsCommand = (argv: string[], io: CliIO, overrides?: CliOverrides): Promise<number> => findingsSubcommands.run(argv, cliDependencies(io, overrides));
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { useDynalite } from '../support/emulators.js';
import { at, detected, evaluation, resolution } from '../support/findings-factory.js';

// --table goes through the SDK's standard configuration: endpoint and credentials from the environment.
const dynamo = useDynalite({ sdkEnvironment: true });

/** One week after the factory's base time: --since 7d starts exactly at at(0). */
const NOW = new Date('2024-05-08T12:00:00Z');

function recorder(): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    errIsTTY: false,
    stdin: new PassThrough(),
    stdout: () => out,
    stderr: () => err,
  };
}

let table: string;
let store: FindingsStore;
/** `warden findings ...` with a fixed clock and user; failures reported as `warden` itself reports them. */
async function findings(argv: string[], io: ReturnType<typeof recorder>): Promise<number> {
  try {
    return await findingsCommand(argv, io, { now: () => NOW, user: 'alice' });
  } catch (error) {
    const [message, code] = explainFailure(error);
    io.err(`${message}\n`);
    return code;
  }
}
async function warden(...argv: string[]) {
  const io = recorder();
  const [subcommand, ...rest] = argv;
  const code = await findingsCommand([subcommand ?? '', ...rest, '--table', table], io, { now: () => NOW, user: 'alice' });
  return { code, out: io.stdout(), err: io.stderr() };
}
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeEach(async () => {
  table = await dynamo.createTable();
  store = new DynamoFindingsStore(dynamo.client, table, { now: () => NOW });
});

/** Four findings: root key (critical, newest), public bucket (high), wildcard (medium, old), resolved one. */
async function seed() {
  const rootKey = detected({ eventTime: at(300), scope: 'AKIA1', sourceIp: '203.0.113.9' });
  const bucket = detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::reports', scope: 'policy', severity: 'high', eventTime: at(200) });
  const wildcard = detected({
    ruleId: 'iam-wildcard-grant',
    resource: 'arn:aws:iam::123456789012:user/bob',
    scope: 'inline',
    severity: 'medium',
    eventTime: at(-3600),
  });
  const gone = detected({ eventTime: at(100), scope: 'AKIA2' });
  await store.apply(evaluation({ detected: [rootKey, bucket, wildcard, gone] }));
  await store.apply(evaluation({ resolutions: [resolution({ scope: 'AKIA2', eventTime: at(150) })] }));
  return { rootKey, bucket, wildcard, gone };
}

describe('warden findings list', () => {
  it('lists open findings newest first by default, as a table', async () => {
    const { rootKey, bucket, wildcard, gone } = await seed();

    const { code, out } = await warden('list');

    expect(code).toBe(ExitCode.ok);
    const order = [rootKey, bucket, wildcard].map((d) => out.indexOf(d.findingId));
    expect(order.every((position) => position > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(out).not.toContain(gone.findingId);
    expect(out).toContain('3 finding(s)');
  });

  it('prints one JSON object per line with the documented fields', async () => {
    const { rootKey } = await seed();

    const { out } = await warden('list', '--json');

    const lines = jsonLines(out);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      id: rootKey.findingId,
      ruleId: 'root-access-key-created',
      severity: 'critical',
      status: 'open',
      resource: rootKey.resource,
      firstSeen: at(300),
      lastSeen: at(300),
      count: 1,
    });
    for (const line of lines)
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['id', 'ruleId', 'severity', 'status', 'resource', 'firstSeen', 'lastSeen', 'count']));
  });

  it('prints CSV with a header row and quotes where needed', async () => {
    await seed();

    const { out } = await warden('list', '--csv', '--status', 'all');

    const rows = out.trim().split('\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(5);
    expect(rows[1]?.split(',')).toHaveLength(CSV_COLUMNS.length);
  });

  it.each([
    [['--status', 'resolved'], ['gone']],
    [
      ['--status', 'all'],
      ['rootKey', 'bucket', 'gone', 'wildcard'],
    ],
    [
      ['--min-severity', 'high'],
      ['rootKey', 'bucket'],
    ],
    [['--rule', 's3-bucket-public'], ['bucket']],
    [
      ['--rule', 'root-access-key-created', '--status', 'all'],
      ['rootKey', 'gone'],
    ],
    [['--resource', 'arn:aws:s3:::reports'], ['bucket']],
    [['--resource', 'user/bob'], ['wildcard']],
    [
      ['--since', '7d'],
      ['rootKey', 'bucket'],
    ],
    [['--since', '2024-05-01T12:04:00Z', '--status', 'all'], ['rootKey']],
  ] as const)('filters with %j', async (options, expected) => {
    const seeded = await seed();

    const { code, out } = await warden('list', '--json', ...options);

    expect(code).toBe(ExitCode.ok);
    expect(jsonLines(out).map((line) => line.id)).toEqual(expected.map((name) => seeded[name].findingId));
  });

  it('pages through the index: every finding once, newest first, across pages', async () => {
    const events = Array.from({ length: 9 }, (_, i) => detected({ scope: `K${i}`, eventTime: at(i * 10), severity: i % 2 === 0 ? 'critical' : 'low' }));
    await store.apply(evaluation({ detected: events }));

    const all = await warden('list', '--json', '--page-size', '2', '--limit', '100');
    const firstThree = await warden('list', '--json', '--limit', '3');
    const cursor = /--cursor (\S+)/.exec(firstThree.err)?.[1];
    const rest = await warden('list', '--json', '--cursor', cursor ?? 'missing', '--limit', '100');

    const expected = [...events].reverse().map((event) => event.findingId);
    expect(jsonLines(all.out).map((line) => line.id)).toEqual(expected);
    expect(jsonLines(firstThree.out).map((line) => line.id)).toEqual(expected.slice(0, 3));
    expect(jsonLines(rest.out).map((line) => line.id)).toEqual(expected.slice(3));
    expect(rest.err).toBe('');
  });

  it.each([
    [['--status', 'closed'], '--status'],
    [['--min-severity', 'huge'], '--min-severity'],
    [['--since', 'last week'], '--since'],
    [['--limit', '0'], '--limit'],
    [['--json', '--csv'], '--json'],
    [['--cursor', 'nope'], '--cursor'],
    [['--bogus'], '--bogus'],
  ] as const)('rejects %j naming the option', async (options, option) => {
    await expect(warden('list', ...options)).rejects.toThrow(UsageError);
    await expect(warden('list', ...options)).rejects.toThrow(option);
  });
});

describe('warden findings show', () => {
  it('tells the whole story: what, why, how to fix, every occurrence, history', async () => {
    const { rootKey } = await seed();
    await store.apply(
      evaluation({ detected: [detected({ eventTime: at(400), scope: 'AKIA1', actor: 'arn:aws:iam::123456789012:user/mallory', sourceIp: '192.0.2.44' })] }),
    );

    const { code, out } = await warden('show', rootKey.findingId);

    expect(code).toBe(ExitCode.ok);
    expect(out).toContain('[CRITICAL]');
    expect(out).toContain('What it means');
    expect(out).toContain('root user created an access key');
    expect(out).toContain('How to fix it');
    expect(out).toContain('Occurrences (2 shown of 2)');
    expect(out).toContain('203.0.113.9');
    expect(out).toContain('arn:aws:iam::123456789012:user/mallory');
    expect(out).toContain('192.0.2.44');
    expect(out).toMatch(/History[\s\S]*open\s+event:/);
  });

  it('prints the finding with its occurrences as JSON', async () => {
    const { rootKey } = await seed();

    const { out } = await warden('show', rootKey.findingId, '--json');

    expect(JSON.parse(out)).toMatchObject({ id: rootKey.findingId, status: 'open', occurrences: [{ eventId: rootKey.eventId, sourceIp: '203.0.113.9' }] });
  });

  it('fails on an unknown id', async () => {
    const io = recorder();
    const code = await findings(['show', 'nope', '--table', table], io);
    const err = io.stderr();

    expect(code).toBe(ExitCode.notFound);
    expect(err).toContain('no finding nope');
  });
});

describe('warden findings resolve / suppress / unsuppress / suppressions', () => {
  it('resolves a finding with a reason, recorded with the person', async () => {
    const { bucket } = await seed();

    const { code, out } = await warden('resolve', bucket.findingId, '--reason', 'policy fixed by hand');

    expect(code).toBe(ExitCode.ok);
    expect(out).toContain(`resolved ${bucket.findingId}`);
    expect((await store.get(bucket.findingId))?.history.at(-1)).toMatchObject({ status: 'resolved', reason: 'policy fixed by hand', by: 'cli:alice' });
  });

  it('requires --reason to resolve', async () => {
    const { bucket } = await seed();
    await expect(warden('resolve', bucket.findingId)).rejects.toThrow('--reason');
  });

  it('suppresses by id, lists it, and unsuppresses it', async () => {
    const { rootKey } = await seed();

    const suppressed = await warden('suppress', rootKey.findingId, '--reason', 'break-glass', '--until', '2024-06-01');
    const listed = await warden('suppressions', '--json');
    const unsuppressed = await warden('unsuppress', rootKey.findingId);

    expect(suppressed.out).toContain('1 open finding(s) suppressed');
    expect(jsonLines(listed.out)).toMatchObject([
      { findingId: rootKey.findingId, reason: 'break-glass', createdBy: 'cli:alice', until: '2024-06-01T00:00:00.000Z', active: true },
    ]);
    expect(unsuppressed.out).toContain('reopened 1 finding(s)');
    expect(await store.get(rootKey.findingId)).toMatchObject({ status: 'open', alertState: 'pending' });
  });

  it('suppresses a rule for a resource pattern and for an actor pattern', async () => {
    const { bucket, wildcard } = await seed();

    const byResource = await warden('suppress', '--rule', 's3-bucket-public', '--resource', 'arn:aws:s3:::rep*', '--reason', 'static site');
    const byActor = await warden('suppress', '--rule', 'iam-wildcard-grant', '--actor', '*:root', '--reason', 'root is watched elsewhere');
    const table = await warden('suppressions');
    const listed = await warden('list', '--json', '--status', 'suppressed');

    expect(byResource.out).toContain(bucket.findingId);
    expect(byActor.out).toContain(wildcard.findingId);
    expect(table.out).toContain('resource arn:aws:s3:::rep*');
    expect(table.out).toContain('actor *:root');
    expect(
      jsonLines(listed.out)
        .map((line) => line.id)
        .sort(),
    ).toEqual([bucket.findingId, wildcard.findingId].sort());

    const removed = await warden('unsuppress', '--rule', 's3-bucket-public', '--resource', 'arn:aws:s3:::rep*');
    expect(removed.out).toContain('reopened 1 finding(s)');
  });

  it.each([
    [['suppress', '--rule', 's3-bucket-public', '--reason', 'x'], '--resource'],
    [['suppress', '--rule', 'no-such-rule', '--resource', '*', '--reason', 'x'], '--rule'],
    [['suppress', 'abc', '--reason', 'x', '--until', 'soon'], '--until'],
    [['suppress', 'abc', '--reason', 'x', '--until', '2020-01-01'], '--until'],
    [['suppress', 'abc'], '--reason'],
  ] as const)('rejects %j naming the option', async (argv, option) => {
    await expect(warden(...argv)).rejects.toThrow(option);
  });

  it('fails to unsuppress what is not suppressed', async () => {
    const { code, err } = await warden('unsuppress', 'nothing');
    expect(code).toBe(ExitCode.notFound);
    expect(err).toContain('no suppression matches');
  });
});

describe('store selection', () => {
  it('works on the embedded store under --store DIR, persisted between runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-store-'));
    try {
      const io = recorder();
      expect(
        await findingsCommand(['suppress', '--rule', 's3-bucket-public', '--resource', '*', '--reason', 'lab', '--store', dir], io, { user: 'alice' }),
      ).toBe(0);
      const again = recorder();
      expect(await findingsCommand(['suppressions', '--json', '--store', dir], again)).toBe(0);
      expect(jsonLines(again.stdout())).toMatchObject([{ ruleId: 's3-bucket-public', resourcePattern: '*' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails cleanly when the embedded store is already open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-store-'));
    const { openFindingsStore } = await import('../../shared/findings/open.js');
    const held = await openFindingsStore({ storeDir: dir });
    try {
      const io = recorder();
      expect(await findings(['list', '--store', dir], io)).toBe(ExitCode.busy);
      expect(io.stderr()).toContain('is in use by process');
    } finally {
      await held.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects --store with --table, and --region without --table', async () => {
    await expect(findingsCommand(['list', '--store', 'x', '--table', 'abc'], recorder())).rejects.toThrow('--store');
    await expect(findingsCommand(['list', '--region', 'eu-west-1'], recorder())).rejects.toThrow('--region');
  });
});

describe('parseSince', () => {
  it('reads relative durations and ISO dates as CloudTrail times', () => {
    expect(parseSince('7d', NOW)).toBe('2024-05-01T12:00:00Z');
    expect(parseSince('90m', NOW)).toBe('2024-05-08T10:30:00Z');
    expect(parseSince('2024-05-02', NOW)).toBe('2024-05-02T00:00:00Z');
  });
});
