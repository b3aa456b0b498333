import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { examples as bucketExamples } from '../../shared/detections/s3/s3-bucket-public.examples.js';
import { runWarden, type CliRun } from '../support/cli.js';
import { ALL_HOSTILE, HOSTILE, rawControl } from './hostile.js';

/** A root key created, with every field an attacker can write set to hostile values. */
const hostileRootKey = (): CloudTrailRecord => {
  const record = rootKeyExamples.positive[0]!.record;
  return {
    ...record,
    userAgent: `aws-cli/2.15.0 ${ALL_HOSTILE}`,
    sourceIPAddress: `203.0.113.5${HOSTILE.forgedSkip}`,
    awsRegion: `us-east-1${HOSTILE.c1AndBidi}`,
    recipientAccountId: HOSTILE.formula,
    userIdentity: { ...(record['userIdentity'] as object), arn: `arn:aws:iam::111122223333:root${HOSTILE.clearScreen}${HOSTILE.hiddenLink}` },
  };
};
/** A bucket made public, whose name (so the finding's resource) holds escape sequences. */
const hostileBucket = (): CloudTrailRecord => {
  const record = bucketExamples.positive[0]!.record;
  return { ...record, requestParameters: { ...(record['requestParameters'] as object), bucketName: `acme${HOSTILE.clipboardWrite}${HOSTILE.forgedSkip}` } };
};

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'warden-hostile-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const store = (): string[] => ['--store', join(work, 'store')];

async function replayHostile(...args: string[]): Promise<CliRun> {
  const input = join(work, 'trail.jsonl');
  await writeFile(input, `${[hostileRootKey(), hostileBucket()].map((record) => JSON.stringify(record)).join('\n')}\n`);
  return runWarden(['replay', input, ...store(), ...args]);
}

function expectInert(run: CliRun): void {
  expect(rawControl(run.stdout)).toBeUndefined();
  expect(rawControl(run.stderr)).toBeUndefined();
}

describe('hostile values in the terminal', () => {
  it('replay shows them as visible escapes, in the summary and in the alert preview', async () => {
    const run = await replayHostile();

    expect(run.stdout).toContain('2 risks found');
    expectInert(run);
    expect(run.stdout).toContain('\\x1b]52;c;');
    expect(run.stdout).toContain('\\x1b[2J');
    expect(run.stdout.split('\n').some((line) => line.startsWith('skipped'))).toBe(false);
  });

  it('replay --json escapes them as JSON, which reads back the same', async () => {
    const run = await replayHostile('--json');

    expectInert(run);
    const [rootKey] = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { region: string; userAgent: string });
    expect(rootKey?.region).toBe(`us-east-1${HOSTILE.c1AndBidi}`);
    expect(rootKey?.userAgent).toContain(HOSTILE.clipboardWrite);
  });

  it('findings list and show print them inert', async () => {
    await replayHostile('--alerts', 'none');
    const list = await runWarden(['findings', 'list', ...store()]);
    const ids = [...list.stdout.matchAll(/^([0-9a-f]{20}) /gm)].map((match) => match[1]!);
    const shows: CliRun[] = [];
    for (const id of ids) shows.push(await runWarden(['findings', 'show', id, ...store()]));
    const json = await runWarden(['findings', 'list', '--json', ...store()]);

    expect(ids).toHaveLength(2);
    for (const show of shows) expect(show.code).toBe(0);
    for (const run of [list, json, ...shows]) expectInert(run);
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(1 + 2 + 1);
    expect(shows.some((show) => show.stdout.includes('\\x1b]8;;https://evil.example/mfa'))).toBe(true);
  });

  it('a file name with a newline cannot forge a "skipped" line', async () => {
    const name = join(work, `evil\nskipped other.json (line 1): not JSON${HOSTILE.clearScreen}.json`);
    await writeFile(name, 'not json');

    const run = await runWarden(['replay', name, ...store(), '--alerts', 'none']);

    expect(run.code).toBe(2);
    expectInert(run);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('skipped'))).toHaveLength(1);
    expect(run.stderr).toContain('evil\\nskipped other.json (line 1): not JSON\\x1b[2J');
  });
});

describe('hostile values in CSV', () => {
  it('never starts a cell a spreadsheet would run as a formula, and keeps every cell on one line', async () => {
    await replayHostile('--alerts', 'none');

    const run = await runWarden(['findings', 'list', '--csv', ...store()]);

    expectInert(run);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(run.stdout).toContain(`"'=HYPERLINK(""https://evil.example"",""open"")"`);
    const cells = lines.flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []);
    for (const cell of cells) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
  });
});
