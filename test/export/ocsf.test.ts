import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCSF_VERSION, ocsfDetectionFinding } from '../../shared/export/ocsf.js';
import type { Finding } from '../../shared/findings/model.js';
import { ruleById } from '../../shared/findings/rule-book.js';
import { openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import { runWarden } from '../support/cli.js';
import { ACCOUNT, at, detected, evaluation, resolution } from '../support/findings-factory.js';

// The published JSON Schema of the pinned version (test/export/ocsf-schema/README.md says where it came from).
const schema = JSON.parse(readFileSync(new URL('./ocsf-schema/detection_finding-1.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true }).compile(schema);
const problems = (event: unknown): string[] =>
  validate(event) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);

let dir: string;
/** Findings in a real store: opened, updated, resolved, suppressed, and one of a key-audit rule. */
const findings: Record<'opened' | 'updated' | 'resolved' | 'suppressed' | 'keyAudit', Finding> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-ocsf-'));
  const { store, close } = await openEmbeddedStore(dir);
  const opened = detected({ scope: 'AKIAOPENED', eventTime: at(0), sourceIp: '198.51.100.7' });
  const updated = detected({ scope: 'AKIAUPDATED', eventTime: at(0) });
  const resolved = detected({ scope: 'AKIARESOLVED', eventTime: at(0) });
  const suppressed = detected({ scope: 'AKIASUPPRESSED', eventTime: at(0) });
  const keyAudit = detected({ ruleId: 'access-key-not-rotated', resource: `arn:aws:iam::${ACCOUNT}:user/alice`, scope: 'AKIAOLD', severity: 'medium' });
  await store.apply(evaluation({ detected: [opened, updated, resolved, suppressed, keyAudit] }));
  await store.apply(evaluation({ detected: [detected({ scope: 'AKIAUPDATED', eventTime: at(30) })] }));
  await store.apply(evaluation({ resolutions: [resolution({ scope: 'AKIARESOLVED', eventTime: at(60) })] }));
  await store.suppress({ findingId: suppressed.findingId }, { reason: 'accepted', by: 'cli:alice' });
  const read = async (id: string) => (await store.get(id)) as Finding;
  findings.opened = await read(opened.findingId);
  findings.updated = await read(updated.findingId);
  findings.resolved = await read(resolved.findingId);
  findings.suppressed = await read(suppressed.findingId);
  findings.keyAudit = await read(keyAudit.findingId);
  await close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OCSF Detection Finding (class 2004)', () => {
  it.each(['opened', 'updated', 'resolved', 'suppressed', 'keyAudit'] as const)('writes a %s finding that the published OCSF 1.1.0 schema accepts', (which) => {
    const finding = findings[which];

    const event = ocsfDetectionFinding(finding, ruleById(finding.ruleId));

    expect(problems(event)).toEqual([]);
    expect(event).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      metadata: { version: OCSF_VERSION, product: { name: 'iam-warden', vendor_name: 'iam-warden' } },
    });
  });

  it('carries what Security Lake and SIEMs read: finding info, resource, severity, status, time, cloud and the triggering API call', () => {
    const finding = findings.opened;

    const event = ocsfDetectionFinding(finding, ruleById(finding.ruleId));

    expect(event).toMatchObject({
      activity_id: 1,
      type_uid: 200401,
      severity_id: 5,
      severity: 'Critical',
      status_id: 1,
      status: 'New',
      time: Date.parse(at(0)),
      finding_info: {
        uid: finding.id,
        title: finding.title,
        desc: finding.summary,
        types: ['root-access-key-created'],
        first_seen_time: Date.parse(at(0)),
        analytic: { uid: 'root-access-key-created', type_id: 1 },
        attacks: [{ technique: { uid: 'T1098' }, sub_technique: { uid: 'T1098.001' } }],
        related_events: [{ uid: finding.recentOccurrences[0]?.eventId, type: 'CreateAccessKey' }],
      },
      resources: [{ uid: `arn:aws:iam::${ACCOUNT}:root`, type: 'AwsAccount', region: 'us-east-1' }],
      cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: ACCOUNT } },
      api: { operation: 'CreateAccessKey', service: { name: 'iam.amazonaws.com' } },
      actor: { user: { uid: `arn:aws:iam::${ACCOUNT}:root`, type: 'Root' }, session: { is_mfa: false } },
      evidences: [{ src_endpoint: { ip: '198.51.100.7' } }],
      remediation: {
        desc: expect.stringContaining('Delete'),
        references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html'],
      },
    });
  });

  it('says Update for a finding seen again, Close for a resolved one, and Suppressed for a muted one', () => {
    const [updated, resolved, suppressed] = [findings.updated, findings.resolved, findings.suppressed].map((finding) =>
      ocsfDetectionFinding(finding, ruleById(finding.ruleId)),
    );

    expect(updated).toMatchObject({ activity_id: 2, count: 2, status_id: 1 });
    expect(resolved).toMatchObject({ activity_id: 3, activity_name: 'Close', status_id: 4, status: 'Resolved' });
    expect(suppressed).toMatchObject({ status_id: 3, status: 'Suppressed' });
  });

  it('is checked against the vendored class schema of the pinned version', () => {
    expect(OCSF_VERSION).toBe('1.1.0');
    expect(schema).toMatchObject({
      $id: 'https://schema.ocsf.io/schema/classes/detection_finding',
      properties: { class_uid: { const: 2004 }, category_uid: { const: 2 } },
      required: expect.arrayContaining(['finding_info', 'metadata', 'severity_id', 'time', 'cloud', 'action_id']),
    });
  });

  it('is checked for real: an event without its finding uid, or with a severity OCSF does not know, is refused', () => {
    const event = ocsfDetectionFinding(findings.opened, ruleById(findings.opened.ruleId));
    const { uid: _uid, ...withoutUid } = event['finding_info'] as Record<string, unknown>;

    expect(problems({ ...event, finding_info: withoutUid })).toContainEqual(expect.stringContaining("must have required property 'uid'"));
    expect(problems({ ...event, severity_id: 7 })).toContainEqual(expect.stringContaining('/severity_id must be equal to one of the allowed values'));
  });
});

describe('warden findings list|show --format ocsf', () => {
  it('writes every finding as one OCSF Detection Finding per line, each accepted by the schema', async () => {
    const run = await runWarden(['findings', 'list', '--status', 'all', '--format', 'ocsf', '--store', dir]);

    const lines = run.stdout.trimEnd().split('\n');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(problems(JSON.parse(line))).toEqual([]);
    expect(lines.map((line) => (JSON.parse(line) as { finding_info: { uid: string } }).finding_info.uid).sort()).toEqual(
      Object.values(findings)
        .map((finding) => finding.id)
        .sort(),
    );
  });

  it('shows one finding as OCSF', async () => {
    const run = await runWarden(['findings', 'show', findings.resolved.id, '--format', 'ocsf', '--store', dir]);

    expect(run.code).toBe(0);
    const event = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(problems(event)).toEqual([]);
    expect(event).toMatchObject({ status_id: 4, finding_info: { uid: findings.resolved.id } });
  });

  it('refuses a format it does not write, and two formats at once', async () => {
    const unknown = await runWarden(['findings', 'list', '--format', 'xml', '--store', dir]);
    const both = await runWarden(['findings', 'list', '--format', 'ocsf', '--json', '--store', dir]);

    expect(unknown).toMatchObject({ code: 64, stderr: expect.stringContaining('--format must be one of text, json, csv, ocsf') });
    expect(both).toMatchObject({ code: 64, stderr: expect.stringContaining('give one of --format, --json and --csv') });
  });
});
