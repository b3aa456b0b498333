import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { runWarden } from '../support/cli.js';

const DEMO = 'demo/trail';
const DEMO_RULES = ['iam-wildcard-grant', 'iam-wildcard-grant', 'mfa-deactivated', 'root-access-key-created', 'root-console-login-without-mfa', 's3-bucket-public', 's3-bucket-public'];

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'warden-replay-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const store = (): string[] => ['--store', join(work, 'store')];

describe('warden replay', () => {
  it('finds the attack story in the demo trail, one JSON detection per line and nothing else on stdout', async () => {
    const run = await runWarden(['replay', DEMO, '--json', ...store()]);
    expect(run.code).toBe(0);
    const detections = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { ruleId: string; findingId: string });
    expect(detections.map((detected) => detected.ruleId).sort()).toEqual(DEMO_RULES);
    expect(detections.every((detected) => /^[0-9a-f]{20}$/.test(detected.findingId))).toBe(true);
  });

  it('summarises in words, including what later events resolved', async () => {
    const run = await runWarden(['replay', DEMO, ...store()]);
    expect(run.stdout).toMatch(/^Replayed 335 records from 48 inputs/);
    expect(run.stdout).toContain('7 risks found');
    expect(run.stdout).toMatch(/RESOLVED {2}mfa-deactivated .*MFA device enabled again/);
    expect(run.stdout).toContain('7 opened, 0 reopened, 0 updated, 1 resolved');
  });

  it('changes nothing when the same trail is replayed again', async () => {
    await runWarden(['replay', DEMO, ...store()]);
    const again = await runWarden(['replay', DEMO, ...store()]);
    expect(again.stdout).toContain('0 opened, 0 reopened, 0 updated, 0 resolved, 0 suppressed, 7 already recorded');
  });

  it('reads standard input for -', async () => {
    const line = JSON.stringify(rootKeyExamples.positive[0]!.record);
    const run = await runWarden(['replay', '-', '--json', ...store()], `${line}\n`);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ruleId: 'root-access-key-created', severity: 'critical' });
  });

  it('reports skipped input with its file and position, processes the rest, and exits 2', async () => {
    const file = join(work, 'mixed.jsonl');
    await writeFile(file, `${JSON.stringify(rootKeyExamples.positive[0]!.record)}\n{ not json\n`);
    const run = await runWarden(['replay', file, '--json', ...store()]);
    expect(run.code).toBe(2);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`skipped ${file} (line 2)`);
  });

  it('exits 1 with --fail-on when a finding reaches the threshold, and 0 below it', async () => {
    const file = join(work, 'trail.json');
    await writeFile(file, JSON.stringify({ Records: [rootKeyExamples.negative[0]!.record] }));
    expect((await runWarden(['replay', DEMO, '--fail-on', 'critical', ...store()])).code).toBe(1);
    expect((await runWarden(['replay', file, '--fail-on', 'low', ...store()])).code).toBe(0);
  });

  it('rejects a wrong --fail-on with a message that names it', async () => {
    const run = await runWarden(['replay', DEMO, '--fail-on', 'severe', ...store()]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--fail-on must be one of info, low, medium, high, critical');
  });

  it('asks for a path', async () => {
    const run = await runWarden(['replay']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('needs at least one PATH');
  });
});
