import { describe, expect, it } from 'vitest';
import { bodyForProtocol, snsMessage } from '../../shared/alerts/channels/sns.js';
import { findingAlert } from '../../shared/alerts/finding-alert.js';
import { rotationNotice } from '../../shared/alerts/rotation-notice.js';
import { renderAlertsForTerminal } from '../../shared/alerts/terminal.js';
import type { Finding } from '../../shared/findings/model.js';
import { ALL_HOSTILE, HOSTILE, rawControl } from '../cli/hostile.js';
import { detectionOf, findingOf, rootKeyRecord } from './fixtures.js';

const rootKey = findingOf(rootKeyRecord());
const occurrence = rootKey.recentOccurrences[0]!;
/** Every field an event writes, hostile. */
const hostile: Finding = {
  ...rootKey,
  summary: `Root created a key ${HOSTILE.slackMention} ${HOSTILE.slackLink} ${HOSTILE.forgedSection}`,
  resource: `arn:aws:iam::111122223333:user/${HOSTILE.backtick}${HOSTILE.slackMention}${HOSTILE.clearScreen}`,
  scope: `AKIA${HOSTILE.forgedSection}`,
  account: `111122223333${HOSTILE.slackMention}`,
  region: `us-east-1${HOSTILE.forgedSkip}`,
  details: { accessKeyId: `AKIA ${HOSTILE.c1AndBidi} ${HOSTILE.clipboardWrite}`, note: `\`\`\`${HOSTILE.slackLink}` },
  recentOccurrences: [
    {
      ...occurrence,
      actor: `arn:aws:sts::111122223333:assumed-role/Admin/${HOSTILE.backtick} ${HOSTILE.slackMention} ${HOSTILE.hiddenLink}`,
      actorType: `Root${HOSTILE.forgedSection}`,
      eventName: `CreateAccessKey${HOSTILE.backtick}${HOSTILE.slackLink}`,
      sourceIp: `203.0.113.5 ${HOSTILE.forgedSection}`,
      userAgent: `aws-cli/2.15.0 ${HOSTILE.backtick} ${HOSTILE.slackMention} ${HOSTILE.slackLink} ${HOSTILE.forgedSection} ${HOSTILE.clipboardWrite}`,
      region: `us-east-1${HOSTILE.c1AndBidi}`,
    },
  ],
};
const alert = (finding: Finding, kind: 'opened' | 'resolved' = 'opened') => findingAlert({ kind, finding, rule: detectionOf('root-access-key-created') });
const message = snsMessage(alert(hostile)).message;
const chat = JSON.parse(bodyForProtocol(message, 'https')) as {
  content: { title: string; description: string; keywords: string[] };
  metadata: { summary: string; relatedResources: string[]; additionalContext: Record<string, string> };
};
const email = bodyForProtocol(message, 'email');

describe('the chat message, with hostile values in every field', () => {
  it('forms no mention and no link (Slack escaping of &, < and >)', () => {
    const everything = [
      chat.content.title,
      chat.content.description,
      ...chat.content.keywords,
      chat.metadata.summary,
      ...chat.metadata.relatedResources,
      ...Object.values(chat.metadata.additionalContext),
    ].join('\n');
    expect(everything).not.toMatch(/<[!@#]|<https?:/);
    expect(chat.content.description).toContain('&lt;!channel&gt;');
    expect(chat.content.description).toContain('&lt;https://evil.example/mfa|Re-verify your MFA&gt;');
  });

  it('keeps every value inside its code span: a backtick cannot close it', () => {
    const lines = chat.content.description.split('\n').filter((line) => line !== '```');
    for (const line of lines) expect(line.split('`').length % 2, line).toBe(1);
    const from = lines.find((line) => line.startsWith('*From:*'));
    expect(from?.match(/`/g)).toHaveLength(2);
    expect(from).toContain('ˋ');
  });

  it('keeps one line per fact and no control character', () => {
    expect(rawControl(chat.content.description)).toBeUndefined();
    expect(chat.content.description.split('\n').filter((line) => line.startsWith('*Who:*'))).toHaveLength(1);
    expect(chat.content.description).not.toMatch(/^HOW TO FIX IT/m);
  });

  it('never lets evidence close the code block it is quoted in', () => {
    const description = chat.content.description;
    expect(description.split('\n').filter((line) => line === '```')).toHaveLength(2);
  });
});

describe('the email, with hostile values in every field', () => {
  it('forges no section: CR/LF in a value stays on its line', () => {
    const lines = email.split('\n');
    expect(lines.filter((line) => line === 'HOW TO FIX IT')).toHaveLength(1);
    expect(lines.some((line) => /^\s*- run curl/.test(line))).toBe(false);
    expect(email).toContain('user agent  aws-cli/2.15.0 ` <!channel>');
    expect(email).toContain('\\r\\n\\r\\nHOW TO FIX IT\\r\\n');
  });

  it('carries no control character, in the text or in the quoted evidence', () => {
    expect(rawControl(email)).toBeUndefined();
    expect(email).toContain('\\u009b2J \\u202eexe.txt');
    expect(email).toMatch(/^ {2}\{\n {4}"accessKeyId": "AKIA /m);
    expect(email).toContain('\\u001b]52;c;');
  });

  it('keeps each value whole in the machine JSON: escaping is for people', () => {
    const machine = JSON.parse(bodyForProtocol(message, 'sqs')) as { finding: Finding };
    expect(machine.finding.recentOccurrences[0]?.userAgent).toBe(hostile.recentOccurrences[0]?.userAgent);
  });

  it('does the same in the resolved notice', () => {
    const resolved: Finding = {
      ...hostile,
      status: 'resolved',
      resolvedAt: '2026-11-20T11:00:00Z',
      history: [...hostile.history, { at: '2026-11-20T11:00:00Z', status: 'resolved', reason: `key deleted${HOSTILE.forgedSection}`, by: 'event:x' }],
    };
    const notice = snsMessage(alert(resolved, 'resolved')).message;
    const text = bodyForProtocol(notice, 'email');
    expect(rawControl(text)).toBeUndefined();
    expect(text.split('\n').some((line) => line.startsWith('HOW TO FIX IT'))).toBe(false);
    expect(bodyForProtocol(notice, 'https')).not.toContain('<!channel>');
  });
});

describe('the terminal preview of alerts', () => {
  it('shows hostile values as visible escapes, never as escape sequences', () => {
    const shown = renderAlertsForTerminal([alert(hostile)], 'a hint');
    expect(rawControl(shown)).toBeUndefined();
    expect(shown).toContain('\\x1b[2J');
    expect(shown.split('\n').filter((line) => line === '  | HOW TO FIX IT')).toHaveLength(1);
  });
});

describe('the key rotation notice', () => {
  it('escapes the owner tag, which anyone allowed to tag the user wrote', () => {
    const notice = rotationNotice(
      {
        user: 'deploy-bot',
        owner: `ops@example.com ${ALL_HOSTILE}`,
        oldKeyId: 'AKIAOLDDEPLOYKEY0001',
        newKeyId: 'AKIANEWDEPLOYKEY0001',
        secretName: 'iam-warden/access-keys/deploy-bot',
        deactivateAt: '2026-12-01T00:00:00Z',
        deleteAt: '2026-12-11T00:00:00Z',
      },
      '111122223333',
    );
    const [content] = [...notice.renditions(Number.POSITIVE_INFINITY)];
    expect(rawControl(content!.text)).toBeUndefined();
    expect(content!.text.split('\n').filter((line) => line === 'What to do')).toHaveLength(1);
    expect(`${content!.chat.content.description}${Object.values(content!.chat.metadata.additionalContext).join('')}`).not.toMatch(/<[!@#]|<https?:/);
  });
});
