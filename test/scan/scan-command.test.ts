// `warden scan` end to end against moto over HTTP: the account and its regions come from STS and
// EC2, the clients from the environment (AWS_ENDPOINT_URL), as for a real account.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runWarden } from '../support/cli.js';
import { useEnvironment, useSns } from '../support/emulators.js';
import { useMoto } from '../support/moto.js';

const moto = useMoto();
const sns = useSns('scan-alerts');
const ROLE = 'arn:aws:iam::123456789012:role/open-to-all';
let iam: IAMClient;
let dir: string;
useEnvironment(() => ({
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
}));

beforeAll(async () => {
  iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'open-to-all', AssumeRolePolicyDocument: trust }));
  // Without a password policy the account is below the benchmark: this account meets it.
  await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, PasswordReusePrevention: 24 }));
  dir = await mkdtemp(join(tmpdir(), 'warden-scan-cli-'));
});

afterAll(async () => {
  iam?.destroy();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('warden scan', () => {
  it('prints one finding per line with --json, as replay does', async () => {
    const result = await runWarden(['scan', '--json', '--store', join(dir, 'json'), '--regions', 'us-east-1']);

    expect([result.code, result.stderr]).toEqual([0, '']);
    const findings = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const finding of findings) expect(Object.keys(finding)).toEqual(expect.arrayContaining(['ruleId', 'resource', 'severity', 'findingId', 'details']));
    expect(findings.filter((finding) => finding.ruleId === 'iam-role-trust-public')).toEqual([
      expect.objectContaining({
        resource: ROLE,
        severity: 'critical',
        findingId: expect.stringMatching(/^[0-9a-f]{20}$/),
        details: expect.objectContaining({ role: 'open-to-all' }),
        actor: expect.stringContaining(':123456789012:'),
        eventName: 'Scan',
      }),
    ]);
  });

  it('reports in words, looks up the enabled regions itself, and gates with --fail-on', async () => {
    const result = await runWarden(['scan', '--store', join(dir, 'text'), '--fail-on', 'high', '--trusted-accounts', '777788889999']);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Scanned account 123456789012 in [\d.]+ s: iam/);
    // What was read, by kind in name order, without the many kinds this account has none of.
    expect(result.stdout).toMatch(/; read .*roles 1, .*security groups \d+\.\n/);
    expect(result.stdout).not.toMatch(/; read .* 0[,.]/);
    expect(result.stdout).toMatch(/\d+ risks? present:/);
    expect(result.stdout).toContain(`CRITICAL  iam-role-trust-public  finding `);
    expect(result.stdout).toMatch(/Findings table \(.*\): \d+ opened/);
    expect(result.stdout).toContain(`See them with: npx warden findings list --store ${join(dir, 'text')}`);
  });

  it('previews the alerts it would send, then publishes them once with --sns-topic, as replay does', async () => {
    const store = join(dir, 'alerts');
    const preview = await runWarden(['scan', '--store', store, '--regions', 'us-east-1']);
    // SNS of the alerts is the emulator that delivers them (its topics are the ones the sns reader reads).
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
    try {
      const published = await runWarden(['scan', '--store', store, '--regions', 'us-east-1', '--sns-topic', sns.topicArn]);
      const delivered = await sns.drain();
      const again = await runWarden(['scan', '--store', store, '--regions', 'us-east-1', '--sns-topic', sns.topicArn]);

      expect(preview.stdout).toMatch(/\n\d+ alerts? to send \(publish them with --sns-topic ARN, hide them with --alerts none\):\n/);
      expect(published.stdout).not.toContain('to send (publish them');
      expect(published.stdout).toMatch(new RegExp(`\nAlerts published to ${sns.topicArn}: ${delivered.length}\\.\n`));
      expect(delivered.map((message) => message.attributes['ruleId'])).toContain('iam-role-trust-public');
      expect(again.stdout).toContain(`Alerts published to ${sns.topicArn}: 0.`);
      expect(await sns.drain()).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('resolves the finding once the role is gone', async () => {
    const store = join(dir, 'resolve');
    await runWarden(['scan', '--store', store, '--regions', 'us-east-1']);
    await iam.send(new DeleteRoleCommand({ RoleName: 'open-to-all' }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const result = await runWarden(['scan', '--store', store, '--regions', 'us-east-1']);
    const listed = await runWarden(['findings', 'list', '--status', 'resolved', '--store', store, '--json']);

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('CRITICAL  iam-role-trust-public');
    expect(result.stdout).toMatch(
      /No longer present \(resolved\):\nRESOLVED {2}iam-role-trust-public {2}finding [0-9a-f]{20} {2}arn:aws:iam::123456789012:role\/open-to-all/,
    );
    expect(listed.stdout).toContain(ROLE);
  });

  // Last: the key it leaves behind would be in every later scan. KMS takes a line feed in a key policy
  // (KMS API reference, PutKeyPolicy: "tab, line feed, carriage return" among the characters allowed).
  it('prints what the account holds (a policy statement id) as one line, so no value forges a report', async () => {
    const kms = new KMSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'open\nCRITICAL  forged-rule  finding 0\u001b[2J', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }],
    });
    await kms.send(new CreateKeyCommand({ Policy: policy }));
    kms.destroy();

    const text = await runWarden(['scan', '--store', join(dir, 'hostile'), '--regions', 'us-east-1']);

    expect(text.stdout).toContain('CRITICAL  kms-key-exposed');
    expect(text.stdout).toContain('(open\\nCRITICAL  forged-rule  finding 0\\x1b[2J)');
    expect(text.stdout).not.toMatch(/^CRITICAL {2}forged-rule/m);
    expect(text.stdout).not.toContain('\u001b[2J');
  });

  it('refuses a region list it cannot read, before reaching AWS', async () => {
    const result = await runWarden(['scan', '--regions', 'us-east-1,Europe']);

    expect(result.code).toBe(64);
    expect(result.stderr).toBe('warden scan: --regions must list AWS regions, comma-separated (us-east-1,eu-west-1); got "Europe"\n');
  });
});
