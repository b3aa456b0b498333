import { severityRank, isSeverity } from '../detections/detection.js';
import type { AlertContent, Outgoing } from './channel.js';

/**
 * How `warden replay` shows alerts on a terminal: the subject of each (the replay's own summary
 * already said what happened), then the whole email and the chat notification of the most severe
 * one, so a user sees what their inbox and their Slack or Teams channel would receive.
 */
export function renderAlertsForTerminal(alerts: readonly Outgoing[], hint: string): string {
  if (alerts.length === 0) return '';
  // A terminal has no size limit: the fullest rendition of each.
  const shown = alerts.map((alert) => ({ findingId: alert.findingId, content: fullest(alert) }));
  const ordered = shown.sort((a, b) => rank(b.content) - rank(a.content));
  const subjects = ordered.map(({ findingId, content }) => `  ${content.subject}  (finding ${findingId})`);
  const first = ordered[0]!.content;
  const chat = first.chat.content;
  return [
    `\n${alerts.length} alert${alerts.length === 1 ? '' : 's'} to send (${hint}):`,
    ...subjects,
    '',
    `The email of the first one ("${first.subject}"):`,
    ...quote(first.text),
    '',
    'In Slack or Teams (AWS Chatbot custom notification):',
    ...quote([chat.title, '', chat.description, '', 'Next steps:', ...chat.nextSteps.map((step, index) => `${index + 1}. ${step}`)].join('\n')),
    '',
  ].join('\n');
}

function fullest(alert: Outgoing): AlertContent {
  for (const content of alert.renditions(Number.POSITIVE_INFINITY)) return content;
  throw new Error('an alert has at least one rendition');
}

function rank({ labels }: AlertContent): number {
  return severityRank(isSeverity(labels.severity) ? labels.severity : 'info');
}

function quote(text: string): string[] {
  return text.split('\n').map((line) => `  | ${line}`.trimEnd());
}
