import { severityRank, type Severity } from '../detections/detection.js';
import { bodyForProtocol, type AlertMessage } from './message.js';

/**
 * How `warden replay` shows alerts on a terminal: the subject of each (the replay's own summary
 * already said what happened), then the whole email and the chat notification of the most severe
 * one, so a user sees what their inbox and their Slack or Teams channel would receive.
 */
export function renderAlertsForTerminal(alerts: readonly AlertMessage[], hint: string): string {
  if (alerts.length === 0) return '';
  const ordered = [...alerts].sort((a, b) => severityRank(severityOf(b)) - severityRank(severityOf(a)));
  const subjects = ordered.map((alert) => `  ${alert.subject}  (finding ${alert.findingId})`);
  const first = ordered[0]!;
  const chat = first.chat.content;
  return [
    `\n${alerts.length} alert${alerts.length === 1 ? '' : 's'} to send (${hint}):`,
    ...subjects,
    '',
    `The email of the first one ("${first.subject}"):`,
    ...quote(bodyForProtocol(first.message, 'email')),
    '',
    'In Slack or Teams (AWS Chatbot custom notification):',
    ...quote([chat.title, '', chat.description, '', 'Next steps:', ...chat.nextSteps.map((step, index) => `${index + 1}. ${step}`)].join('\n')),
    '',
  ].join('\n');
}

function severityOf(alert: AlertMessage): Severity {
  return (alert.attributes['severity']?.StringValue ?? 'info') as Severity;
}

function quote(text: string): string[] {
  return text.split('\n').map((line) => `  | ${line}`.trimEnd());
}
