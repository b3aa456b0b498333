import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodyForProtocol } from '../../shared/alerts/channels/sns.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { runWarden } from '../support/cli.js';
import { useSns } from '../support/emulators.js';

const DEMO = 'demo/trail';
const DEMO_CONFIG = 'demo/warden.config.json';
const DEMO_RULES = [
  'credentials-created-for-another-user',
  'ebs-snapshot-shared-outside',
  'guardduty-disabled',
  'iam-policy-attached-to-user',
  'iam-role-trust-outside',
  'iam-wildcard-grant',
  'iam-wildcard-grant',
  'mfa-deactivated',
  'root-access-key-created',
  'root-console-login-without-mfa',
  's3-bucket-public',
  's3-bucket-public',
];
/** The demo as `npm start` runs it: its config trusts a partner account. */
const demo = (...args: string[]): string[] => ['replay', DEMO, '--config', DEMO_CONFIG, ...args];

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'warden-replay-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const store = (): string[] => ['--store', join(work, 'store')];

describe('warden replay', () => {
  it('finds the attack story in the demo trail, one JSON detection per line and nothing else on stdout', async () => {
    const run = await runWarden(demo('--json', ...store()));
    expect(run.code).toBe(0);
    const detections = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { ruleId: string; findingId: string });
    expect(detections.map((detected) => detected.ruleId).sort()).toEqual(DEMO_RULES);
    expect(detections.every((detected) => /^[0-9a-f]{20}$/.test(detected.findingId))).toBe(true);
  });

  it('summarises in words, including what later events resolved', async () => {
    const run = await runWarden(demo(...store()));
    expect(run.stdout).toMatch(/^Replayed 339 records from 48 inputs/);
    expect(run.stdout).toContain('12 risks found');
    expect(run.stdout).toMatch(/RESOLVED {2}mfa-deactivated .*MFA device enabled again/);
    expect(run.stdout).toContain('12 opened, 0 reopened, 0 updated, 1 resolved');
  });

  it('changes nothing when the same trail is replayed again', async () => {
    await runWarden(demo(...store()));
    const again = await runWarden(demo(...store()));
    expect(again.stdout).toContain('0 opened, 0 reopened, 0 updated, 0 resolved, 0 suppressed, 12 already recorded');
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
    await writeFile(file, JSON.stringify({ Records: [rootKeyExamples.negative[1]!.record] }));
    expect((await runWarden(['replay', DEMO, '--fail-on', 'critical', ...store()])).code).toBe(1);
    expect((await runWarden(['replay', file, '--fail-on', 'low', ...store()])).code).toBe(0);
  });

  it('shows progress on standard error only when it is a terminal, and clears it', async () => {
    const terminal = await runWarden(demo('--json', ...store()), '', { errIsTTY: true });
    expect(terminal.stderr).toMatch(/\r[\d,]+ records, \d+ files\.\.\./);
    expect(terminal.stderr.endsWith('\r\u001b[K')).toBe(true);
    const piped = await runWarden(demo('--json', ...store()));
    expect(piped.stderr).toBe('');
  });

  it('says once that only the account itself is trusted when no trusted accounts are given, and judges by it', async () => {
    const run = await runWarden(['replay', DEMO, '--json', ...store()]);
    expect(run.stderr.match(/no trusted accounts given/g)).toHaveLength(1);
    // The snapshot shared with the partner account is now outside too.
    const shared = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { ruleId: string })
      .filter((detected) => detected.ruleId === 'ebs-snapshot-shared-outside');
    expect(shared).toHaveLength(2);
    const listed = await runWarden(['replay', DEMO, '--json', '--trusted-accounts', '444455556666,o-a1b2c3d4e5', ...store()]);
    expect(listed.stderr).toBe('');
  });

  it('refuses a trusted list or a config file it cannot read, naming what is wrong', async () => {
    const badList = await runWarden(['replay', DEMO, '--trusted-accounts', '4444,o-a1b2c3d4e5', ...store()]);
    expect(badList.code).toBe(64);
    expect(badList.stderr).toContain('--trusted-accounts: "4444" is neither a 12-digit account id nor an organization id');
    const config = join(work, 'warden.config.json');
    await writeFile(config, JSON.stringify({ trustedAcounts: ['444455556666'] }));
    const typo = await runWarden(['replay', DEMO, '--config', config, ...store()]);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain('unknown key trustedAcounts');
    const missing = await runWarden(['replay', DEMO, '--config', join(work, 'nope.json'), ...store()]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('cannot read config file');
  });

  it('shows a suppressed risk as suppressed and does not fail --fail-on on it', async () => {
    const file = join(work, 'root-key.json');
    await writeFile(file, JSON.stringify({ Records: [rootKeyExamples.positive[0]!.record] }));
    const suppress = await runWarden([
      'findings',
      'suppress',
      '--rule',
      'root-access-key-created',
      '--resource',
      '*',
      '--reason',
      'break-glass key, accepted',
      ...store(),
    ]);
    expect(suppress.code).toBe(0);

    const run = await runWarden(['replay', file, '--fail-on', 'high', ...store()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(suppressed: break-glass key, accepted)');
  });

  it('accepts severities in any case, and explains its options with --help', async () => {
    expect((await runWarden(['replay', DEMO, '--fail-on', 'CRITICAL', '--json', ...store()])).code).toBe(1);
    const help = await runWarden(['replay', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on SEVERITY');
  });

  it('counts a finding opened in an early write as opened, even when later writes update it', async () => {
    // More detections of one risk than one write holds (2,000): the finding is written several times.
    const base = rootKeyExamples.positive[0]!.record;
    const records = Array.from({ length: 2_100 }, (_, index) => ({ ...base, eventID: `repeat-${index}` }));
    const file = join(work, 'many.json');
    await writeFile(file, JSON.stringify({ Records: records }));

    const run = await runWarden(['replay', file, ...store()]);

    expect(run.stdout).toContain('1 opened, 0 reopened, 0 updated');
    expect(run.stdout).toContain('1 alert to send');
  });

  it('rejects a wrong --fail-on with a message that names it', async () => {
    const run = await runWarden(['replay', DEMO, '--fail-on', 'severe', ...store()]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--fail-on must be one of info, low, medium, high, critical (got "severe")');
  });

  it('asks for a path', async () => {
    const run = await runWarden(['replay']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('needs at least one PATH');
  });
});

describe('warden replay alerts', () => {
  const sns = useSns('replay-alerts', { sdkEnvironment: true });
  beforeAll(() => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('prints what the email and the chat alert say, by default, for each newly opened finding', async () => {
    const run = await runWarden(['replay', DEMO, ...store()]);
    expect(run.stdout).toMatch(/\d+ alerts to send \(publish them with --sns-topic ARN, hide them with --alerts none\)/);
    expect(run.stdout).toContain('[CRITICAL] Access key created for the root user in 111122223333');
    expect(run.stdout).toMatch(/The email of the first one \("\[CRITICAL\] /);
    expect(run.stdout).toMatch(/ {2}\| WHO\n/);
    expect(run.stdout).toContain('In Slack or Teams (AWS Chatbot custom notification):');
    expect(run.stdout).toMatch(/ {2}\| Next steps:\n {2}\| 1\. /);
    const again = await runWarden(['replay', DEMO, ...store()]);
    expect(again.stdout).not.toContain('alerts to send');
  });

  it('prints no alerts with --alerts none, and rejects a wrong mode', async () => {
    expect((await runWarden(['replay', DEMO, '--alerts', 'none', ...store()])).stdout).not.toContain('alerts to send');
    const wrong = await runWarden(['replay', DEMO, '--alerts', 'slack', ...store()]);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('--alerts must be one of terminal, none');
  });

  it('publishes each opened finding once with --sns-topic, keeping --json output to detections only', async () => {
    await sns.drain();
    const run = await runWarden(['replay', DEMO, '--json', '--sns-topic', sns.topicArn, ...store()]);
    expect(run.code).toBe(0);
    const detections = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { findingId: string; severity: string });
    const delivered = await sns.drain();
    const alerted = delivered.map((message) => (JSON.parse(bodyForProtocol(message.message, 'default')) as { finding: { id: string } }).finding.id);
    const expected = [
      ...new Set(detections.filter((detected) => detected.severity !== 'low' && detected.severity !== 'info').map((detected) => detected.findingId)),
    ];
    expect(alerted.sort()).toEqual(expected.sort());
    expect(delivered.every((message) => (message.subject ?? '').length <= 100)).toBe(true);

    const again = await runWarden(['replay', DEMO, '--sns-topic', sns.topicArn, ...store()]);
    expect(again.stdout).toContain(`Alerts published to ${sns.topicArn}: 0.`);
    expect(await sns.drain()).toEqual([]);
  });

  it('exits 70 and keeps alerts pending while SNS is unreachable; the same replay sends them once when it is back', async () => {
    await sns.stop();
    const down = await runWarden(['replay', DEMO, '--sns-topic', sns.topicArn, ...store()]);
    expect(down.code).toBe(70);
    expect(down.stderr).toContain('the findings keep their alert pending');
    await sns.restart();
    const back = await runWarden(['replay', DEMO, '--sns-topic', sns.topicArn, ...store()]);
    expect(back.code).toBe(0);
    const count = Number(/Alerts published to \S+: (\d+)/.exec(back.stdout)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(await sns.drain()).toHaveLength(count);
    await runWarden(['replay', DEMO, '--sns-topic', sns.topicArn, ...store()]);
    expect(await sns.drain()).toEqual([]);
  });

  it('rejects a --sns-topic that is not a topic ARN', async () => {
    const run = await runWarden(['replay', DEMO, '--sns-topic', 'alerts', ...store()]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--sns-topic must be an SNS topic ARN');
  });
});
