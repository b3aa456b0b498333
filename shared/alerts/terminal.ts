import { severityRank } from '../detections/detection.js';
import { bodyForProtocol, type AlertMessage } from './message.js';

/**
 * How `warden replay` shows alerts on a terminal: one compact block per alert (what the email says
 * in five lines), then the whole email and the chat notification of the most severe one, so a user
 * sees what their inbox and their Slack or Teams channel would receive.
 */
export function renderAlertsForTerminal(alerts: readonly AlertMessage[], hint: string): string {
  if (alerts.length === 0) return '';
  const ordered = [...alerts].sort((a, b) => severityRank(severityOf(b)) - severityRank(severityOf(a)));
  const blocks = ordered.map(compactBlock);
  const first = ordered[0]!;
  const chat = first.chat.content;
  return [
    `\n${alerts.length} alert${alerts.length === 1 ? '' : 's'} to send (${hint}):\n`,
    blocks.join('\n\n'),
    '',
    `The email of the first one ("${first.subject}"):`,
    ...quote(bodyForProtocol(first.message, 'email')),
    '',
    'In Slack or Teams (AWS Chatbot custom notification):',
    ...quote([chat.title, '', chat.description, '', 'Next steps:', ...chat.nextSteps.map((step, index) => `${index + 1}. ${step}`)].join('\n')),
    '',
  ].join('\n');
}

function severityOf(alert: AlertMessage): Parameters<typeof severityRank>[0] {
  return (alert.attributes['severity']?.StringValue ?? 'info') as Parameters<typeof severityRank>[0];
}

/** Subject, the summary, who/where in one line, the first step to fix it, and the show command. */
function compactBlock(alert: AlertMessage): string {
  const email = bodyForProtocol(alert.message, 'email');
  const sections = sectionsOf(email);
  const summary = email.split('\n')[2] ?? '';
  const who = sections.get('WHO') ?? [];
  const where = sections.get('FROM WHERE') ?? [];
  const fix = sections.get('HOW TO FIX IT')?.[0]?.replace(/^- /, '');
  const details = sections.get('FINDING')?.find((line) => line.startsWith('details'))?.replace(/^details\s+/, '');
  const lines = [alert.subject, `  ${summary}`];
  if (who.length > 0) lines.push(`  by ${who.join(' ')}${where.length > 0 ? `, ${where.map((line) => line.replace(/\s{2,}/g, ' ')).join(', ')}` : ''}`);
  if (fix !== undefined) lines.push(`  fix: ${fix}`);
  if (details !== undefined) lines.push(`  see: ${details}`);
  return lines.join('\n');
}

/** The email's upper-case sections, each with its lines (indent removed). */
function sectionsOf(email: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of email.split('\n')) {
    if (/^[A-Z][A-Z ]+$/.test(line)) {
      current = [];
      sections.set(line, current);
    } else if (line.startsWith('  ') && current !== undefined) current.push(line.trim());
    else current = undefined;
  }
  return sections;
}

function quote(text: string): string[] {
  return text.split('\n').map((line) => `  | ${line}`.trimEnd());
}
