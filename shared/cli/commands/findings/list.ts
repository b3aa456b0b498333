import { jsonText, oneLine } from '../../../alerts/escape.js';
import { ocsfDetectionFinding } from '../../../export/ocsf.js';
import { InvalidCursorError } from '../../../findings/errors.js';
import { FINDING_STATUSES, isFindingStatus, type FindingStatus } from '../../../findings/model.js';
import { ruleById } from '../../../findings/rule-book.js';
import type { FindingsStore, FindingSummary, ListQuery } from '../../../findings/store.js';
import type { FindingsSubcommand } from '../../command.js';
import { ExitCode, UsageError, type CliIO } from '../../io.js';
import { isoTimeOption, noPositionals, positiveInteger, ruleOption, severityOption, type OptionValues } from '../../options.js';
import { textTable } from '../../render.js';

const STATUS_CHOICES = [...FINDING_STATUSES, 'all'] as const;

export const list: FindingsSubcommand = {
  name: 'list',
  usage: [
    `warden findings list [--status ${STATUS_CHOICES.join('|')}] [--min-severity S] [--rule ID]`,
    '                     [--resource TEXT] [--since 7d|ISO] [--format text|json|csv|ocsf] [--limit N] [--cursor C]',
  ],
  options: {
    status: { type: 'string' },
    'min-severity': { type: 'string' },
    rule: { type: 'string' },
    resource: { type: 'string' },
    since: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    format: { type: 'string' },
    limit: { type: 'string' },
    'page-size': { type: 'string' },
    cursor: { type: 'string' },
  },
  prepare(values, positionals, { io, now }) {
    noPositionals(positionals, 'list');
    const limit = positiveInteger(values.limit, '--limit') ?? 50;
    const pageSize = positiveInteger(values['page-size'], '--page-size') ?? Math.min(limit, 100);
    const query = listQuery(values, now);
    const format = listFormat(values);
    return (store) => listFindings(store, io, query, { limit, pageSize, format });
  },
};

export const CSV_COLUMNS = ['id', 'ruleId', 'severity', 'status', 'resource', 'account', 'region', 'firstSeen', 'lastSeen', 'count', 'title'] as const;

async function listFindings(
  store: FindingsStore,
  io: CliIO,
  query: ListQuery,
  options: { limit: number; pageSize: number; format: ListFormat },
): Promise<number> {
  const found: FindingSummary[] = [];
  let cursor = query.cursor;
  do {
    let page;
    try {
      page = await store.list({ ...query, limit: Math.min(options.pageSize, options.limit - found.length), ...(cursor === undefined ? {} : { cursor }) });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new UsageError(`--cursor: ${error.message}`);
      throw error;
    }
    cursor = page.cursor;
    for (const finding of page.findings) {
      found.push(finding);
      if (options.format === 'json') io.out(`${jsonText(jsonLine(finding))}\n`);
      // A list holds summaries: the OCSF event needs the whole finding (its occurrences, the triggering call).
      const whole = options.format === 'ocsf' ? await store.get(finding.id) : undefined;
      if (whole !== undefined) io.out(`${jsonText(ocsfDetectionFinding(whole, ruleById(whole.ruleId)))}\n`);
    }
  } while (cursor !== undefined && found.length < options.limit);

  if (options.format === 'csv') {
    io.out(`${CSV_COLUMNS.join(',')}\n`);
    for (const finding of found) io.out(`${CSV_COLUMNS.map((column) => csvCell(String(finding[column] ?? ''))).join(',')}\n`);
  } else if (options.format === 'text') {
    if (found.length === 0) io.out('no findings\n');
    else {
      const rows = found.map((finding) => [
        finding.id,
        finding.severity.toUpperCase(),
        finding.status,
        finding.ruleId,
        finding.resource,
        finding.lastSeen,
        String(finding.count),
      ]);
      io.out(textTable(['ID', 'SEVERITY', 'STATUS', 'RULE', 'RESOURCE', 'LAST SEEN', 'COUNT'], rows));
      io.out(`${found.length} finding(s)\n`);
    }
  }
  if (cursor !== undefined) io.err(`more findings: add --cursor ${cursor}\n`);
  return ExitCode.ok;
}

const LIST_FORMATS = ['text', 'json', 'csv', 'ocsf'] as const;
type ListFormat = (typeof LIST_FORMATS)[number];

/** --format, or its shorthands --json and --csv; `ocsf` is one OCSF Detection Finding (class 2004) per line. */
function listFormat(values: OptionValues): ListFormat {
  const chosen = [
    ...(typeof values.format === 'string' ? [values.format] : []),
    ...(values.json === true ? ['json'] : []),
    ...(values.csv === true ? ['csv'] : []),
  ];
  if (chosen.length > 1) throw new UsageError('give one of --format, --json and --csv');
  const format = chosen[0] ?? 'text';
  if (!(LIST_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${LIST_FORMATS.join(', ')} (got "${format}")`);
  return format as ListFormat;
}

function jsonLine(finding: FindingSummary): Record<string, unknown> {
  return {
    id: finding.id,
    ruleId: finding.ruleId,
    severity: finding.severity,
    status: finding.status,
    resource: finding.resource,
    account: finding.account,
    region: finding.region,
    title: finding.title,
    summary: finding.summary,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    count: finding.count,
    alertState: finding.alertState,
  };
}

/**
 * One line with no control character, a leading quote on anything a spreadsheet would run as a
 * formula (OWASP, "CSV Injection"), and RFC 4180 quoting.
 */
function csvCell(text: string): string {
  const line = oneLine(text);
  const safe = /^[=+\-@]/.test(line) ? `'${line}` : line;
  return /[",]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function listQuery(values: OptionValues, now: () => Date): ListQuery {
  const status = typeof values.status === 'string' ? values.status : 'open';
  let statuses: readonly FindingStatus[];
  if (status === 'all') statuses = FINDING_STATUSES;
  else if (isFindingStatus(status)) statuses = [status];
  else throw new UsageError(`--status must be one of ${STATUS_CHOICES.join(', ')} (got "${status}")`);

  const query: { -readonly [K in keyof ListQuery]: ListQuery[K] } = { statuses };
  if (typeof values['min-severity'] === 'string') query.minSeverity = severityOption(values['min-severity'], '--min-severity');
  if (typeof values.rule === 'string') query.ruleId = ruleOption(values.rule, '--rule');
  if (typeof values.resource === 'string') {
    // A full ARN is an exact key on the byResource index; anything else is a part of the resource.
    if (values.resource.startsWith('arn:')) query.resource = values.resource;
    else query.resourceContains = values.resource;
  }
  if (typeof values.since === 'string') query.since = parseSince(values.since, now());
  if (typeof values.cursor === 'string') query.cursor = values.cursor;
  return query;
}

/** `7d`, `12h`, `30m` before now, or an ISO date/time; as CloudTrail writes times (no milliseconds). */
export function parseSince(text: string, now: Date): string {
  const relative = /^(\d+)([dhm])$/.exec(text);
  let time: number;
  if (relative !== null) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    time = now.getTime() - Number(relative[1]) * unit;
  } else if (/^\d{4}-/.test(text)) {
    time = isoTimeOption(text, '--since').getTime();
  } else {
    throw new UsageError(`--since must be like 7d, 12h, 30m or an ISO date (got "${text}")`);
  }
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
