import type { RotationNotice } from '../keys/act.js';
import type { AlertContent, Outgoing } from './channel.js';
import type { ChatbotNotification } from './chat.js';
import { MAX_SUBJECT } from './email.js';
import { mrkdwnValue, oneLine } from './escape.js';

/**
 * Tells a key's owner that iam-warden rotated it: where the new key is, and when the old one stops
 * working. Never carries the secret itself (only Secrets Manager holds it, readable by the user alone).
 * Short whatever the user, so it has one rendition.
 */
export function rotationNotice(notice: RotationNotice, account: string): Outgoing {
  const day = (iso: string): string => iso.slice(0, 10);
  // The owner is a tag value anyone allowed to tag the user wrote: one line, escaped in chat.
  const owner = oneLine(notice.owner ?? 'nobody (the user has no owner tag)');
  const subject = `[ACTION] New access key for ${notice.user} in ${account}`.slice(0, MAX_SUBJECT);
  const fetch = `aws secretsmanager get-secret-value --secret-id ${notice.secretName} --query SecretString --output text`;
  const steps = [
    `As ${notice.user}, read the new key: \`${fetch}\``,
    `Install it wherever ${notice.oldKeyId} is used, before ${day(notice.deactivateAt)}.`,
    `The old key is deactivated on ${day(notice.deactivateAt)} (earlier once the new key is in use) and deleted on ${day(notice.deleteAt)}.`,
  ];
  const text = [
    `iam-warden rotated an access key of IAM user ${notice.user} in account ${account}.`,
    '',
    `Owner:         ${owner}`,
    `Old key:       ${notice.oldKeyId} (deactivated ${day(notice.deactivateAt)}, deleted ${day(notice.deleteAt)})`,
    `New key:       ${notice.newKeyId}`,
    `Stored in:     Secrets Manager secret ${notice.secretName} (only ${notice.user} can read it)`,
    '',
    'What to do',
    ...steps.map((step) => `  - ${step.replace(/`/g, '')}`),
    '',
    '-- iam-warden',
  ].join('\n');
  const chat: ChatbotNotification = {
    version: '1.0',
    source: 'custom',
    id: `rotation:${account}:${notice.user}:${notice.newKeyId}`,
    content: {
      textType: 'client-markdown',
      title: `:key: ${subject}`,
      description: `iam-warden rotated access key \`${notice.oldKeyId}\` of IAM user *${mrkdwnValue(notice.user)}* (owner: ${mrkdwnValue(owner)}). The new key \`${notice.newKeyId}\` is in Secrets Manager as \`${notice.secretName}\`.`,
      nextSteps: steps,
      keywords: ['iam-warden', 'key-rotation', notice.user],
    },
    metadata: {
      threadId: `rotation:${account}:${notice.user}`,
      summary: subject,
      eventType: 'iam-warden.key-rotation',
      relatedResources: [notice.secretName],
      additionalContext: { account, user: mrkdwnValue(notice.user), owner: mrkdwnValue(owner) },
    },
  };
  const content: AlertContent = {
    subject,
    text,
    chat,
    json: JSON.stringify({ notice: 'key-rotation', account, ...notice }),
    labels: { severity: 'info', ruleId: 'access-key-not-rotated', account, region: 'global', kind: 'notice' },
  };
  return { findingId: undefined, renditions: () => [content] };
}
