import { referenceLabels } from '../../../detections/detection.js';
import type { Finding, Occurrence } from '../../../findings/model.js';
import { ruleById } from '../../../findings/rule-book.js';
import { FindingNotFoundError } from '../../../findings/errors.js';
import type { FindingsSubcommand } from '../../command.js';
import { ExitCode } from '../../io.js';
import { onePositional } from '../../options.js';
import { indent, textTable } from '../../render.js';

export const show: FindingsSubcommand = {
  name: 'show',
  usage: ['warden findings show ID [--json]'],
  options: { json: { type: 'boolean' } },
  prepare(values, positionals, { io }) {
    const id = onePositional(positionals, 'show', 'ID');
    return async (store) => {
      const finding = await store.get(id);
      if (finding === undefined) throw new FindingNotFoundError(`no finding ${id}`);
      const occurrences = await store.occurrences(id);
      io.out(values.json === true ? `${JSON.stringify({ ...finding, occurrences })}\n` : renderFinding(finding, occurrences));
      return ExitCode.ok;
    };
  },
};

function renderFinding(finding: Finding, occurrences: readonly Occurrence[]): string {
  const detection = ruleById(finding.ruleId);
  const lines: string[] = [];
  lines.push(`[${finding.severity.toUpperCase()}] ${finding.title}`, '');
  lines.push(`  ${finding.summary}`, '');
  const facts: [string, string | undefined][] = [
    ['Finding', finding.id],
    ['Status', `${finding.status} since ${finding.statusChangedAt}${finding.suppressionId === undefined ? '' : ` (suppression ${finding.suppressionId})`}`],
    ['Rule', finding.ruleId],
    ['Account', finding.account],
    ['Region', finding.region],
    ['Resource', finding.resource],
    ['Scope', finding.scope],
    ['First seen', finding.firstSeen],
    ['Last seen', finding.lastSeen],
    ['Occurrences', String(finding.count)],
    ['Alert', `${finding.alertState}${finding.alertError === undefined ? '' : ` (${finding.alertError})`}`],
    ['Expires', finding.expiresAt === undefined ? undefined : new Date(finding.expiresAt * 1000).toISOString()],
  ];
  for (const [label, value] of facts) if (value !== undefined) lines.push(`${`${label}:`.padEnd(13)}${value}`);
  if (detection !== undefined) {
    lines.push('', 'What it means', indent(detection.description), '', 'How to fix it', indent(detection.remediation));
    const references = [...referenceLabels(detection.references), ...(detection.references.links ?? [])];
    if (references.length > 0) lines.push('', 'References', indent(references.join('\n')));
  }
  if (Object.keys(finding.details).length > 0) lines.push('', 'Evidence (latest detection)', indent(JSON.stringify(finding.details, null, 2)));

  const shown = occurrences.length > 0 ? occurrences : [...finding.recentOccurrences].reverse();
  lines.push('', `Occurrences (${shown.length} shown of ${finding.count})`);
  const rows = shown.map((occurrence) => [
    occurrence.eventTime,
    occurrence.eventName,
    occurrence.actor,
    occurrence.mfaAuthenticated === true ? 'yes' : occurrence.mfaAuthenticated === false ? 'no' : '?',
    occurrence.sourceIp ?? '',
    occurrence.region,
    occurrence.eventId,
  ]);
  lines.push(indent(textTable(['TIME', 'EVENT', 'ACTOR', 'MFA', 'SOURCE IP', 'REGION', 'EVENT ID'], rows).trimEnd()));
  lines.push('', 'History');
  lines.push(
    indent(
      textTable(
        ['WHEN', 'STATUS', 'BY', 'WHY'],
        finding.history.map((entry) => [entry.at, entry.status, entry.by, entry.reason]),
      ).trimEnd(),
    ),
  );
  return `${lines.join('\n')}\n`;
}
