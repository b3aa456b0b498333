// The key audit on a synthetic account: IAM calls made (counted on mocked clients) and time to decide.
// Reads must stay constant in the number of users: one credential report instead of calls per user.
// Run: node bin/run-ts.js bench/keys-audit.ts [--users N] [--cap K]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateAccessKeyCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runKeyAudit } from '../shared/keys/audit.js';
import { CREDENTIAL_REPORT_COLUMNS, parseCredentialReport } from '../shared/keys/credential-report.js';
import { decide } from '../shared/keys/decide.js';
import { InMemoryRotationStateStore } from '../shared/keys/rotation-state.js';
import { DEFAULT_KEY_SETTINGS, validateKeySettings, type KeyMode } from '../shared/keys/settings.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '5000' }, cap: { type: 'string', default: '10' } } });
const LARGEST = Number(values.users);
const CAP = Number(values.cap);
const SIZES = [...new Set([100, 1_000, LARGEST])].sort((a, b) => a - b);
const NOW = new Date('2026-11-24T09:00:00Z');
const DAY = 86_400_000;
const isoDay = (days: number): string => new Date(NOW.getTime() - days * DAY).toISOString().replace('.000Z', '+00:00');

/** A spread of users: fresh, idle, old and used, never used, console without MFA, two keys. */
function syntheticReport(users: number): { csv: string; created: Map<string, string> } {
  const created = new Map<string, string>();
  const lines = [CREDENTIAL_REPORT_COLUMNS.join(',')];
  lines.push(
    `<root_account>,arn:aws:iam::111122223333:root,${isoDay(3000)},not_supported,${isoDay(2)},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  );
  for (let n = 0; n < users; n += 1) {
    const user = `user-${String(n).padStart(5, '0')}`;
    const age = 1 + ((n * 37) % 400);
    const used = n % 5 === 0 ? 'N/A' : isoDay(n % 7 === 0 ? 60 : 1);
    const console = n % 4 === 0;
    const second = n % 11 === 0;
    created.set(user, isoDay(age));
    lines.push(
      [
        user,
        `arn:aws:iam::111122223333:user/${user}`,
        isoDay(age + 10),
        String(console),
        console ? isoDay(3) : 'N/A',
        console ? isoDay(age) : 'N/A',
        'N/A',
        String(n % 8 !== 0),
        'true',
        isoDay(age),
        used,
        used === 'N/A' ? 'N/A' : 'us-east-1',
        used === 'N/A' ? 'N/A' : 's3',
        String(second),
        second ? isoDay(5) : 'N/A',
        'N/A',
        'N/A',
        'N/A',
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    );
  }
  return { csv: lines.join('\n'), created };
}

async function measure(users: number, mode: KeyMode) {
  const { csv, created } = syntheticReport(users);
  const iamClient = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const smClient = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const iam = mockClient(iamClient);
  mockClient(smClient).resolves({});
  // The current report is five hours old: the reader generates a new one and polls once.
  iam
    .on(GetCredentialReportCommand)
    .resolvesOnce({ Content: new Uint8Array(Buffer.from(csv)), GeneratedTime: new Date(NOW.getTime() - 5 * 3_600_000) })
    .resolves({ Content: new Uint8Array(Buffer.from(csv)), GeneratedTime: NOW });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(ListAccessKeysCommand).callsFake((input: { UserName?: string }) => ({
    AccessKeyMetadata: [
      { UserName: input.UserName, AccessKeyId: `AKIA${input.UserName}`, Status: 'Active', CreateDate: new Date(created.get(input.UserName ?? '') ?? 0) },
    ],
  }));
  iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'owner', Value: 'team@example.com' }] });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
  iam.on(UpdateAccessKeyCommand).resolves({});
  let keys = 0;
  iam.on(CreateAccessKeyCommand).callsFake(() => ({
    AccessKey: { AccessKeyId: `AKIANEW${(keys += 1)}`, SecretAccessKey: 'x'.repeat(40), Status: 'Active', UserName: 'u', CreateDate: NOW },
  }));

  const settings = validateKeySettings({ ...DEFAULT_KEY_SETTINGS, mode, maxActionsPerRun: CAP });
  const started = performance.now();
  const result = await runKeyAudit({
    iam: iamClient,
    secretsManager: smClient,
    rotationStates: new InMemoryRotationStateStore(),
    settings,
    now: () => NOW,
    sleep: async () => {},
  });
  const auditMs = performance.now() - started;

  // The pure core alone, on the parsed rows.
  const rows = parseCredentialReport(csv);
  const decideStarted = performance.now();
  decide({ report: { generatedTime: NOW.toISOString(), rows }, now: NOW, settings, rotations: new Map(), facts: new Map() });
  const decideMs = performance.now() - decideStarted;

  const counts = new Map<string, number>();
  for (const call of iam.calls()) {
    const name = (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const reads = [...counts].filter(([name]) => /^(Get|Generate|List)/.test(name)).reduce((sum, [, n]) => sum + n, 0);
  return { users, mode, findings: result.findings.length, reads, counts: Object.fromEntries(counts), capHit: result.capHit, auditMs, decideMs };
}

process.stdout.write(`key audit on a synthetic account, cap ${CAP} changes per run\n`);
process.stdout.write(
  `${'users'.padStart(6)}  ${'mode'.padEnd(10)}  ${'findings'.padStart(8)}  ${'IAM reads'.padStart(9)}  ${'decide ms'.padStart(9)}  ${'audit ms'.padStart(8)}  calls\n`,
);
for (const mode of ['report', 'deactivate', 'rotate'] as const) {
  for (const users of SIZES) {
    const m = await measure(users, mode);
    process.stdout.write(
      `${String(m.users).padStart(6)}  ${m.mode.padEnd(10)}  ${String(m.findings).padStart(8)}  ${String(m.reads).padStart(9)}  ${m.decideMs.toFixed(1).padStart(9)}  ${m.auditMs.toFixed(0).padStart(8)}  ${JSON.stringify(m.counts)}${m.capHit ? ' (cap hit)' : ''}\n`,
    );
  }
}
process.stdout.write(
  `For comparison, ListUsers + ListAccessKeys + GetAccessKeyLastUsed + ListUserTags would take about ${3 * LARGEST + Math.ceil(LARGEST / 1000)} calls for ${LARGEST} users.\n`,
);
