import { oneLine } from './escape.js';
import { actorKind, readableTime, type AlertFacts } from './facts.js';
import { cut, quoteDetails } from './quote.js';

/** The Subject SNS gives email: at most 100 printable ASCII characters, starting with the severity. */
export const MAX_SUBJECT = 100;

export function subjectOf(facts: AlertFacts): string {
  const { finding } = facts;
  const prefix = `[${facts.severityLabel}] ${facts.kind === 'resolved' ? 'Resolved: ' : facts.kind === 'reminder' ? 'Still open: ' : facts.reopened ? 'Reopened: ' : ''}`;
  const suffix = ` in ${asciiLine(finding.account)}`;
  const room = MAX_SUBJECT - prefix.length - suffix.length;
  const title = asciiLine(facts.title);
  return cutSubject(`${prefix}${title.length <= room ? title : `${title.slice(0, Math.max(0, room - 3))}...`}${suffix}`);
}

/** SNS rejects a Subject with line breaks or non-ASCII characters. */
function asciiLine(text: string): string {
  return text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cutSubject(subject: string): string {
  return subject.length <= MAX_SUBJECT ? subject : `${subject.slice(0, MAX_SUBJECT - 3)}...`;
}

export interface EmailBudget {
  /** Characters for the quoted evidence. */
  readonly quote: number;
}

/**
 * The plain-text email: everything a person needs to act, without opening anything else. Every value
 * that comes from an event is one line (`line`), so none can forge a section; the rule's own words
 * and the quoted JSON evidence keep their lines.
 */
export function emailText(facts: AlertFacts, budget: EmailBudget): string {
  return facts.kind === 'resolved' ? resolvedEmail(facts) : openedEmail(facts, budget);
}

function openedEmail(facts: AlertFacts, budget: EmailBudget): string {
  const { finding, latest } = facts;
  const line = oneLine;
  const lines: string[] = [
    `${facts.severityLabel}: ${line(facts.title)} (${line(finding.ruleId)}) in account ${line(finding.account)}`,
    '',
    line(cut(finding.summary, 2_000)),
    '',
  ];
  if (facts.kind === 'reminder') lines.push(`Still open since ${line(readableTime(finding.statusChangedAt))}: a reminder, since nothing has fixed it yet.`, '');
  if (facts.reopened) lines.push('This risk had been resolved before and has come back.', '');
  if (facts.resolution !== undefined)
    lines.push(
      `Already resolved by a later event at ${line(readableTime(facts.resolution.at))}: ${line(facts.resolution.reason)}. Check what happened meanwhile.`,
      '',
    );
  if (latest !== undefined) {
    lines.push('WHO', `  ${line(latest.actor)}`, `  (${line(actorKind(latest))})`, '');
    lines.push('WHEN', `  ${line(readableTime(latest.eventTime))}, ${line(latest.eventName)}`);
    if (finding.count > 1) lines.push(`  ${finding.count} events since ${line(readableTime(finding.firstSeen))}`);
    lines.push(
      '',
      'FROM WHERE',
      `  source IP   ${line(latest.sourceIp ?? '(not recorded)')}`,
      `  user agent  ${line(cut(latest.userAgent ?? '(not recorded)', 300))}`,
      `  region      ${line(latest.region)}`,
      '',
    );
  }
  lines.push('WHAT CHANGED', `  resource  ${line(finding.resource)}`);
  if (finding.scope !== undefined) lines.push(`  scope     ${line(finding.scope)}`);
  lines.push(...indent(quoteDetails(finding.details, budget.quote)), '');
  if (facts.description !== undefined) lines.push('WHY IT MATTERS', ...indent(facts.description), '');
  if (facts.remediationSteps.length > 0) lines.push('HOW TO FIX IT', ...facts.remediationSteps.map((step) => `  - ${step}`), '');
  if (facts.references.length > 0 || facts.links.length > 0) {
    lines.push('REFERENCES');
    if (facts.references.length > 0) lines.push(`  ${facts.references.join(', ')}`);
    lines.push(...facts.links.map((link) => `  ${link}`), '');
  }
  lines.push('FINDING', `  id       ${finding.id}`, `  details  ${facts.showCommand}`, '', '-- iam-warden');
  return lines.join('\n');
}

function resolvedEmail(facts: AlertFacts): string {
  const { finding } = facts;
  const resolution = facts.resolution;
  const line = oneLine;
  return [
    `RESOLVED (${facts.severityLabel}): ${line(facts.title)} (${line(finding.ruleId)}) in account ${line(finding.account)}`,
    '',
    resolution === undefined ? 'The risk is no longer present.' : `The risk was removed at ${line(readableTime(resolution.at))}: ${line(resolution.reason)}.`,
    '',
    `  resource  ${line(finding.resource)}${finding.scope === undefined ? '' : ` (${line(finding.scope)})`}`,
    `  opened    ${line(readableTime(finding.firstSeen))}; ${finding.count} event${finding.count === 1 ? '' : 's'}`,
    '',
    `Was it removed by the person who should have? See the whole story: ${facts.showCommand}`,
    '',
    '-- iam-warden',
  ].join('\n');
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `  ${line}`);
}
