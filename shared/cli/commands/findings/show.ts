import { jsonText, oneLine } from '../../../alerts/escape.js';
import { referenceLabels } from '../../../detections/detection.js';
import { ocsfDetectionFinding } from '../../../export/ocsf.js';
import type { Finding, Occurrence } from '../../../findings/model.js';
import { ruleById } from '../../../findings/rule-book.js';
import { FindingNotFoundError } from '../../../findings/errors.js';
import type { FindingsSubcommand } from '../../command.js';
import { ExitCode, UsageError } from '../../io.js';
import { onePositional, type OptionValues } from '../../options.js';
import { indent, textTable } from '../../render.js';

export const show: FindingsSubcommand = {
  name: 'show',
  usage: ['warden findings show ID [--format text|json|ocsf]'],
  options: { json: { type: 'boolean' }, format: { type: 'string' } },
  prepare(values, positionals, { io }) {
    const id = onePositional(positionals, 'show', 'ID');
    const format = showFormat(values);
    return async (store) => {
      const finding = await store.get(id);
      if (finding === undefined) throw new FindingNotFoundError(`no finding ${id}`);
      if (format === 'ocsf') {
        io.out(`${jsonText(ocsfDetectionFinding(finding, ruleById(finding.ruleId)))}\n`);
        return ExitCode.ok;
      }
      const occurrences = await store.occurrences(id);
      io.out(format === 'json' ? `${jsonText({ ...finding, occurrences })}\n` : renderFinding(finding, occurrences));
      return ExitCode.ok;
    };
  },
};

const SHOW_FORMATS = ['text', 'json', 'ocsf'] as const;

/** --format, or its shorthand --json; `ocsf` is the finding as one OCSF Detection Finding (class 2004). */
function showFormat(values: OptionValues): (typeof SHOW_FORMATS)[number] {
  if (typeof values.format === 'string' && values.json === true) throw new UsageError('give --format or --json, not both');
  const format = values.json === true ? 'json' : typeof values.format === 'string' ? values.format : 'text';
  if (!(SHOW_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${SHOW_FORMATS.join(', ')} (got "${format}")`);
  return format as (typeof SHOW_FORMATS)[number];
}

/** What came from events (and from people) is one line each (tables, `oneLine`) or JSON (`jsonText`); the rule's own words keep their lines. */
function renderFinding(finding: Finding, occurrences: readonly Occurrence[]): string {
  const detection = ruleById(finding.ruleId);
  const lines: string[] = [];
  lines.push(`[${finding.severity.toUpperCase()}] ${oneLine(finding.title)}`, '');
  lines.push(`  ${oneLine(finding.summary)}`, '');
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
  for (const [label, value] of facts) if (value !== undefined) lines.push(`${`${label}:`.padEnd(13)}${oneLine(value)}`);
  if (detection !== undefined) {
    lines.push('', 'What it means', indent(detection.description), '', 'How to fix it', indent(detection.remediation));
    const references = [...referenceLabels(detection.references), ...(detection.references.links ?? [])];
    if (references.length > 0) lines.push('', 'References', indent(references.join('\n')));
  }
  if (Object.keys(finding.details).length > 0) lines.push('', 'Evidence (latest detection)', indent(jsonText(finding.details, 2)));

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
