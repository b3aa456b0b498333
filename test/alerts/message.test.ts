import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT } from '../../shared/alerts/email.js';
import { sentences } from '../../shared/alerts/facts.js';
import { bodyForProtocol, MAX_MESSAGE_BYTES, snsMessage, type SnsMessage } from '../../shared/alerts/channels/sns.js';
import type { AlertInput } from '../../shared/alerts/facts.js';
import { findingAlert } from '../../shared/alerts/finding-alert.js';
import type { Finding } from '../../shared/findings/model.js';
import {
  detectionOf,
  expectChatbotSchema,
  findingOf,
  PLANTED_PASSWORD,
  PLANTED_SECRET,
  PLANTED_TOKEN,
  rootKeyRecord,
  wildcardRecord,
  withPlantedSecrets,
} from './fixtures.js';

const rootKey = findingOf(rootKeyRecord());
/** The alert as the SNS channel publishes it. */
const buildAlert = (input: AlertInput, maxBytes?: number): SnsMessage => snsMessage(findingAlert(input), maxBytes);
const alertOf = (finding: Finding, kind: 'opened' | 'resolved' = 'opened', findingsTable?: string): SnsMessage =>
  buildAlert({ kind, finding, rule: detectionOf(finding.ruleId), findingsTable });

describe('the email body', () => {
  it('tells who, when, from where, what changed, why, how to fix it, and how to see the finding', () => {
    const email = bodyForProtocol(alertOf(rootKey, 'opened', 'warden-findings-prod').message, 'email');
    expect(email).toContain(rootKey.summary);
    expect(email).toMatch(/WHO\n {2}arn:aws:iam::111122223333:root\n {2}\(Root, without MFA\)/);
    expect(email).toMatch(/WHEN\n {2}2026-11-20 \d\d:\d\d:\d\d UTC, CreateAccessKey/);
    expect(email).toMatch(/FROM WHERE\n {2}source IP {3}\S+\n {2}user agent {2}\S+.*\n {2}region {6}us-east-1/);
    expect(email).toMatch(/WHAT CHANGED\n {2}resource {2}arn:aws:iam::111122223333:root\n {2}scope {5}AKIAEXAMPLEROOTKEY01/);
    expect(email).toContain('"accessKeyId": "AKIAEXAMPLEROOTKEY01"');
    expect(email).toContain(`WHY IT MATTERS\n  ${detectionOf('root-access-key-created')!.description}`);
    expect(email).toMatch(/HOW TO FIX IT\n {2}- If nobody expected this/);
    expect(email).toContain('CIS 1.4, Security Hub IAM.4, MITRE ATT&CK T1098.001');
    expect(email).toContain(`details  npx warden findings show ${rootKey.id} --table warden-findings-prod`);
  });

  it('quotes the offending statement of a wildcard grant', () => {
    const finding = findingOf(wildcardRecord());
    const email = bodyForProtocol(alertOf(finding).message, 'email');
    expect(email).toMatch(/"pattern": "\*"/);
    expect(email).toMatch(/"statementIndex": 0/);
  });

  it('does not call a login without an MFA flag "without MFA"', () => {
    const finding: Finding = { ...rootKey, recentOccurrences: [{ ...rootKey.recentOccurrences[0]!, mfaAuthenticated: undefined, actorType: 'AssumedRole' }] };
    const email = bodyForProtocol(alertOf(finding).message, 'email');
    expect(email).toContain('(AssumedRole, MFA not reported)');
    expect(email).not.toContain('without MFA');
  });

  it('says when the finding came back after being resolved, and when it is already resolved', () => {
    const reopened: Finding = {
      ...rootKey,
      history: [
        ...rootKey.history,
        { at: '2026-11-20T11:00:00Z', status: 'resolved', reason: 'root access key deleted', by: 'event:x' },
        { at: '2026-11-20T12:00:00Z', status: 'open', reason: 'risk came back', by: 'event:y' },
      ],
    };
    expect(alertOf(reopened).subject).toMatch(/^\[CRITICAL\] Reopened: /);
    expect(bodyForProtocol(alertOf(reopened).message, 'email')).toContain('has come back');
    const resolved: Finding = {
      ...rootKey,
      status: 'resolved',
      resolvedAt: '2026-11-20T11:00:00Z',
      history: [...rootKey.history, { at: '2026-11-20T11:00:00Z', status: 'resolved', reason: 'root access key deleted', by: 'event:x' }],
    };
    expect(bodyForProtocol(alertOf(resolved).message, 'email')).toContain(
      'Already resolved by a later event at 2026-11-20 11:00:00 UTC: root access key deleted.',
    );
  });
});

describe('the subject', () => {
  it('starts with the severity and names the rule and the account', () => {
    expect(alertOf(rootKey).subject).toBe('[CRITICAL] Access key created for the root user in 111122223333');
  });

  it('stays within 100 printable ASCII characters, keeping the account, whatever the title', () => {
    const detection = { ...detectionOf('root-access-key-created')!, title: `Very ${'long '.repeat(40)}title with é and a\nline break` };
    const subject = buildAlert({ kind: 'opened', finding: rootKey, rule: detection }).subject;
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(subject).toMatch(/^\[CRITICAL\] Very long/);
    expect(subject).toMatch(/\.\.\. in 111122223333$/);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('the chat body', () => {
  it('is a Chatbot custom notification threaded by finding id', () => {
    const alert = alertOf(rootKey);
    const body = bodyForProtocol(alert.message, 'https');
    expectChatbotSchema(body, rootKey.id);
    const notification = JSON.parse(body) as {
      content: { title: string; description: string; nextSteps: string[]; keywords: string[] };
      metadata: { eventType: string; relatedResources: string[] };
    };
    expect(notification.content.title).toContain(alert.subject);
    expect(notification.content.description).toContain('*Who:* `arn:aws:iam::111122223333:root` (Root, without MFA)');
    expect(notification.content.nextSteps.at(-1)).toContain(`npx warden findings show ${rootKey.id}`);
    expect(notification.content.keywords).toEqual(['critical', 'root-access-key-created', '111122223333', 'us-east-1']);
    expect(notification.metadata.eventType).toBe('iam-warden.finding.opened');
    expect(notification.metadata.relatedResources).toContain(rootKey.resource);
  });
});

describe('per-protocol bodies', () => {
  it('gives email the text, https the Chatbot JSON, and every other protocol the finding as JSON', () => {
    const alert = alertOf(rootKey);
    expect(Object.keys(JSON.parse(alert.message) as object).sort()).toEqual(['default', 'email', 'https']);
    expect(bodyForProtocol(alert.message, 'email')).toMatch(/^CRITICAL: /);
    expect(JSON.parse(bodyForProtocol(alert.message, 'https'))).toMatchObject({ version: '1.0', source: 'custom' });
    for (const protocol of ['sqs', 'lambda', 'email-json', 'firehose', 'default']) {
      const machine = JSON.parse(bodyForProtocol(alert.message, protocol)) as { alert: string; finding: Finding };
      expect(machine.alert).toBe('opened');
      expect(machine.finding).toMatchObject({
        id: rootKey.id,
        ruleId: rootKey.ruleId,
        severity: 'critical',
        account: '111122223333',
        status: 'open',
        details: rootKey.details,
      });
    }
  });

  it('carries the attributes subscription filters match on', () => {
    const attributes = alertOf(rootKey).attributes;
    const values = Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue]));
    expect(values).toEqual({ severity: 'critical', ruleId: 'root-access-key-created', account: '111122223333', region: 'us-east-1', kind: 'opened' });
    expect(Object.values(attributes).every((value) => value.DataType === 'String')).toBe(true);
  });
});

describe('the resolved notice', () => {
  it('is short, says what removed the risk, and threads with the opening alert', () => {
    const resolved: Finding = {
      ...rootKey,
      status: 'resolved',
      resolvedAt: '2026-11-20T11:00:00Z',
      history: [...rootKey.history, { at: '2026-11-20T11:00:00Z', status: 'resolved', reason: 'root access key deleted', by: 'event:x' }],
    };
    const alert = alertOf(resolved, 'resolved');
    expect(alert.subject).toBe('[CRITICAL] Resolved: Access key created for the root user in 111122223333');
    const email = bodyForProtocol(alert.message, 'email');
    expect(email).toContain('The risk was removed at 2026-11-20 11:00:00 UTC: root access key deleted.');
    expect(email.split('\n').length).toBeLessThan(15);
    expectChatbotSchema(bodyForProtocol(alert.message, 'https'), rootKey.id);
    expect(alert.attributes['kind']?.StringValue).toBe('resolved');
  });
});

describe('redaction', () => {
  it('never lets a secret key, session token or password planted in the event reach any body, subject or attribute', () => {
    const finding = findingOf(withPlantedSecrets(rootKeyRecord()));
    const alert = alertOf(finding);
    const everything = JSON.stringify(alert);
    for (const secret of [PLANTED_SECRET, PLANTED_TOKEN, PLANTED_PASSWORD, PLANTED_TOKEN.slice(0, 60)]) expect(everything).not.toContain(secret);
    expect(bodyForProtocol(alert.message, 'email')).toContain('[REDACTED]');
  });

  it('redacts secrets in any field of the finding, whatever its name', () => {
    const finding: Finding = { ...rootKey, summary: `key ${PLANTED_SECRET}`, details: { nested: [{ sessionToken: 'short-but-named' }, PLANTED_TOKEN] } };
    const everything = JSON.stringify(alertOf(finding));
    for (const secret of [PLANTED_SECRET, PLANTED_TOKEN, 'short-but-named']) expect(everything).not.toContain(secret);
  });
});

describe('size', () => {
  const huge: Finding = {
    ...rootKey,
    details: {
      statements: [
        { statementIndex: 0, sid: 'TheOffendingOne', pattern: '*', note: 'x'.repeat(300_000) },
        ...Array.from({ length: 5_000 }, (_, i) => ({ statementIndex: i + 1, sid: `Filler${i}` })),
      ],
      blob: 'é'.repeat(200_000),
    },
  };

  it('stays under 256 KiB in bytes for the whole JSON structure, keeping the offending statement', () => {
    const alert = alertOf(huge);
    expect(alert.bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(Buffer.byteLength(alert.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(bodyForProtocol(alert.message, 'email')).toContain('"sid": "TheOffendingOne"');
    expect(bodyForProtocol(alert.message, 'email')).toMatch(/more characters|more"/);
  });

  it('falls back to a minimal alert that still names the finding when even the shrunk one is too big', () => {
    const alert = buildAlert({ kind: 'opened', finding: { ...huge, summary: 's'.repeat(50_000) }, rule: detectionOf(rootKey.ruleId) }, 20_000);
    expect(alert.bytes).toBeLessThanOrEqual(20_000);
    expect(bodyForProtocol(alert.message, 'email')).toContain(`npx warden findings show ${rootKey.id}`);
    expectChatbotSchema(bodyForProtocol(alert.message, 'https'), rootKey.id);
  });

  it('builds a valid alert under the limit for any details, never throwing', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (details, summary) => {
        const alert = buildAlert({ kind: 'opened', finding: { ...rootKey, details, summary }, rule: undefined }, 40_000);
        expect(alert.bytes).toBeLessThanOrEqual(40_000);
        expect(alert.subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
        expectChatbotSchema(bodyForProtocol(alert.message, 'https'), rootKey.id);
      }),
      { numRuns: 200 },
    );
  });
});

describe('sentences', () => {
  it('splits remediation prose into steps without cutting a command', () => {
    expect(sentences('Confirm it. Then run `aws iam delete-user-policy --user-name U. X`. Done! `aws s3 ls` next.')).toEqual([
      'Confirm it.',
      'Then run `aws iam delete-user-policy --user-name U. X`.',
      'Done!',
      '`aws s3 ls` next.',
    ]);
  });
});
