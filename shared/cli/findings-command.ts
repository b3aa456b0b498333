import { userInfo } from 'node:os';
import type { ParseArgsConfig } from 'node:util';
import { referenceLabels } from '../detections/detection.js';
import { Alerter } from '../alerts/alerter.js';
import { SnsAlertPublisher } from '../alerts/publisher.js';
import { DEFAULT_ALERT_SETTINGS, isSnsTopicArn } from '../alerts/settings.js';
import { ruleBook, ruleById } from '../findings/rule-book.js';
import { createLogger } from '../logging/logger.js';
import { InvalidCursorError } from '../findings/list.js';
import { FINDING_STATUSES, isFindingStatus, type Finding, type FindingStatus, type Occurrence, type Suppression } from '../findings/model.js';
import { FindingNotFoundError, openFindingsStore, type FindingsStore, type FindingSummary, type ListQuery } from '../findings/store.js';
import { isActive, type SuppressionTarget } from '../findings/suppressions.js';
import { ExitCode, UsageError, type CliIO } from './io.js';
import { isoTimeOption, parseOptions, severityOption, STORE_OPTIONS, storeSelection, type OptionValues } from './options.js';

export const FINDINGS_USAGE = `usage:
  warden findings list [--status open|resolved|suppressed|all] [--min-severity S] [--rule ID]
                       [--resource TEXT] [--since 7d|ISO] [--json|--csv] [--limit N] [--cursor C]
  warden findings show ID [--json]
  warden findings resolve ID --reason TEXT
  warden findings suppress (ID | --rule ID --resource PATTERN | --rule ID --actor PATTERN) --reason TEXT [--until DATE]
  warden findings unsuppress (ID | SUPPRESSION-ID | --rule ID --resource PATTERN | --rule ID --actor PATTERN) [--reason TEXT]
  warden findings suppressions [--json]
  warden findings realert ID [--sns-topic ARN]   make an open finding owe its alert again (sent by the
                                                 daily sweep, or now with --sns-topic)
store (every subcommand): --store DIR (default .warden) | --table NAME [--region R]
`;

/** What tests may fix: the clock (for --since and expiry) and who is acting. */
export interface FindingsCommandContext {
  readonly now?: () => Date;
  readonly user?: string;
}

type Values = OptionValues;

/** `warden findings ...`: returns the exit status; usage mistakes throw UsageError naming the option. */
export async function findingsCommand(argv: string[], io: CliIO, context: FindingsCommandContext = {}): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === 'help' || subcommand === '--help' || subcommand === '-h') {
    io.out(FINDINGS_USAGE);
    return subcommand === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const now = context.now ?? (() => new Date());
  const by = `cli:${context.user ?? process.env.USER ?? userInfo().username}`;
  const run = SUBCOMMANDS[subcommand];
  if (run === undefined) throw new UsageError(`unknown findings subcommand "${subcommand}" (list, show, resolve, suppress, unsuppress, suppressions, realert)`);
  const { values, positionals } = parseOptions(`findings ${subcommand}`, rest, { ...STORE_OPTIONS, ...run.options });
  if (values.help === true) {
    io.out(FINDINGS_USAGE);
    return ExitCode.ok;
  }
  const prepared = run.prepare(values, positionals, now);
  const { store, close } = await openFindingsStore({ ...storeSelection(values), now });
  try {
    return await prepared(store, io, { now, by });
  } finally {
    await close();
  }
}

interface RunContext {
  readonly now: () => Date;
  readonly by: string;
}

type Prepared = (store: FindingsStore, io: CliIO, context: RunContext) => Promise<number>;

interface Subcommand {
  readonly options: ParseArgsConfig['options'];
  /** Validates every argument before the store opens. */
  prepare(values: Values, positionals: string[], now: () => Date): Prepared;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: {
    options: {
      status: { type: 'string' },
      'min-severity': { type: 'string' },
      rule: { type: 'string' },
      resource: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      limit: { type: 'string' },
      'page-size': { type: 'string' },
      cursor: { type: 'string' },
    },
    prepare(values, positionals, now) {
      noPositionals(positionals, 'list');
      if (values.json === true && values.csv === true) throw new UsageError('--json and --csv cannot be used together');
      const limit = positiveInteger(values.limit, '--limit') ?? 50;
      const pageSize = positiveInteger(values['page-size'], '--page-size') ?? Math.min(limit, 100);
      const query = listQuery(values, now);
      const format = values.json === true ? 'json' : values.csv === true ? 'csv' : 'text';
      return (store, io) => listCommand(store, io, query, { limit, pageSize, format });
    },
  },
  show: {
    options: { json: { type: 'boolean' } },
    prepare(values, positionals) {
      const id = onePositional(positionals, 'show', 'ID');
      return (store, io) => showCommand(store, io, id, values.json === true);
    },
  },
  resolve: {
    options: { reason: { type: 'string' } },
    prepare(values, positionals) {
      const id = onePositional(positionals, 'resolve', 'ID');
      const reason = requiredText(values.reason, '--reason');
      return async (store, io, { by }) => {
        const change = await store.resolve(id, { reason, by });
        io.out(change.outcome === 'resolved' ? `resolved ${id}\n` : `${id} was already resolved\n`);
        return ExitCode.ok;
      };
    },
  },
  suppress: {
    options: { rule: { type: 'string' }, resource: { type: 'string' }, actor: { type: 'string' }, reason: { type: 'string' }, until: { type: 'string' } },
    prepare(values, positionals, now) {
      const target = suppressionTarget(values, positionals, 'suppress');
      if (typeof target === 'string') {
        return suppressPrepared({ findingId: target }, values, now);
      }
      return suppressPrepared(target, values, now);
    },
  },
  unsuppress: {
    options: { rule: { type: 'string' }, resource: { type: 'string' }, actor: { type: 'string' }, reason: { type: 'string' } },
    prepare(values, positionals) {
      const target = suppressionTarget(values, positionals, 'unsuppress');
      const reason = typeof values.reason === 'string' && values.reason.trim() !== '' ? values.reason : 'suppression removed';
      return async (store, io, { by }) => {
        const { removed, reopened } = await store.unsuppress(target, { reason, by });
        if (removed.length === 0) {
          io.err('no suppression matches\n');
          return ExitCode.notFound;
        }
        io.out(`removed ${removed.map((suppression) => suppression.id).join(', ')}; reopened ${reopened.length} finding(s)\n`);
        for (const change of reopened) io.out(`  ${change.findingId}\n`);
        return ExitCode.ok;
      };
    },
  },
  realert: {
    options: { 'sns-topic': { type: 'string' } },
    prepare(values, positionals) {
      const id = onePositional(positionals, 'realert', 'ID');
      const topicArn = typeof values['sns-topic'] === 'string' ? values['sns-topic'] : undefined;
      if (topicArn !== undefined && !isSnsTopicArn(topicArn)) throw new UsageError(`--sns-topic must be an SNS topic ARN; got "${topicArn}"`);
      return async (store, io) => {
        if ((await store.get(id)) === undefined) throw new FindingNotFoundError(`no finding ${id}`);
        if (!(await store.requeueAlert(id))) {
          io.err(`${id} is not open: only an open finding alerts\n`);
          return ExitCode.usage;
        }
        if (topicArn === undefined) {
          io.out(`the alert of ${id} is owed again: the next daily sweep sends it (or pass --sns-topic ARN to send it now)\n`);
          return ExitCode.ok;
        }
        const publisher = new SnsAlertPublisher({ topicArn });
        try {
          const alerter = new Alerter({ store, publisher, settings: { ...DEFAULT_ALERT_SETTINGS, minSeverity: 'info' }, rules: ruleBook });
          const finding = await store.get(id);
          const report = await alerter.deliver(
            finding === undefined ? [] : [{ findingId: id, outcome: 'unchanged', finding }],
            createLogger({ level: 'silent' }),
          );
          if (report.failed.length > 0) {
            io.err(`SNS rejected the alert of ${id}: ${report.failed[0]?.reason ?? 'unknown reason'}\n`);
            return ExitCode.failure;
          }
          io.out(`alert of ${id} sent to ${topicArn}\n`);
          return ExitCode.ok;
        } finally {
          publisher.close();
        }
      };
    },
  },
  suppressions: {
    options: { json: { type: 'boolean' } },
    prepare(values, positionals, now) {
      noPositionals(positionals, 'suppressions');
      return async (store, io) => {
        const suppressions = await store.suppressions();
        if (values.json === true) {
          for (const suppression of suppressions) io.out(`${JSON.stringify({ ...suppression, active: isActive(suppression, now()) })}\n`);
          return ExitCode.ok;
        }
        if (suppressions.length === 0) {
          io.out('no suppressions\n');
          return ExitCode.ok;
        }
        const rows = suppressions.map((suppression) => [
          suppression.id,
          suppression.ruleId ?? '',
          suppression.findingId !== undefined
            ? `finding ${suppression.findingId}`
            : suppression.resourcePattern !== undefined
              ? `resource ${suppression.resourcePattern}`
              : `actor ${suppression.actorPattern ?? ''}`,
          suppression.until === undefined ? 'never' : `${suppression.until}${isActive(suppression, now()) ? '' : ' (expired)'}`,
          suppression.createdBy,
          suppression.reason,
        ]);
        io.out(textTable(['ID', 'RULE', 'MATCHES', 'EXPIRES', 'BY', 'REASON'], rows));
        return ExitCode.ok;
      };
    },
  },
};

// ---- list -----------------------------------------------------------------------------------------

export const CSV_COLUMNS = ['id', 'ruleId', 'severity', 'status', 'resource', 'account', 'region', 'firstSeen', 'lastSeen', 'count', 'title'] as const;

async function listCommand(
  store: FindingsStore,
  io: CliIO,
  query: ListQuery,
  options: { limit: number; pageSize: number; format: 'json' | 'csv' | 'text' },
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
      if (options.format === 'json') io.out(`${JSON.stringify(jsonLine(finding))}\n`);
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

/** RFC 4180 quoting, and a leading quote on anything a spreadsheet would run as a formula. */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function listQuery(values: Values, now: () => Date): ListQuery {
  const status = typeof values.status === 'string' ? values.status : 'open';
  let statuses: readonly FindingStatus[];
  if (status === 'all') statuses = FINDING_STATUSES;
  else if (isFindingStatus(status)) statuses = [status];
  else throw new UsageError(`--status must be one of open, resolved, suppressed, all (got "${status}")`);

  const query: { -readonly [K in keyof ListQuery]: ListQuery[K] } = { statuses };
  if (typeof values['min-severity'] === 'string') {
    const severity = values['min-severity'];
    query.minSeverity = severityOption(severity, '--min-severity');
  }
  if (typeof values.rule === 'string') {
    if (ruleById(values.rule) === undefined) throw new UsageError(`--rule: no rule "${values.rule}" (see warden rules)`);
    query.ruleId = values.rule;
  }
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

// ---- show -----------------------------------------------------------------------------------------

async function showCommand(store: FindingsStore, io: CliIO, id: string, json: boolean): Promise<number> {
  const finding = await store.get(id);
  if (finding === undefined) throw new FindingNotFoundError(`no finding ${id}`);
  const occurrences = await store.occurrences(id);
  if (json) {
    io.out(`${JSON.stringify({ ...finding, occurrences })}\n`);
    return ExitCode.ok;
  }
  io.out(renderFinding(finding, occurrences));
  return ExitCode.ok;
}

export function renderFinding(finding: Finding, occurrences: readonly Occurrence[]): string {
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

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

// ---- suppress -------------------------------------------------------------------------------------

function suppressPrepared(target: SuppressionTarget, values: Values, now: () => Date): Prepared {
  const reason = requiredText(values.reason, '--reason');
  let until: string | undefined;
  if (typeof values.until === 'string') {
    const parsed = isoTimeOption(values.until, '--until').getTime();
    if (parsed <= now().getTime()) throw new UsageError(`--until is in the past (${values.until})`);
    until = new Date(parsed).toISOString();
  }
  return async (store, io, { by }) => {
    const { suppression, suppressed } = await store.suppress(target, { reason, by, ...(until === undefined ? {} : { until }) });
    io.out(
      `suppression ${suppression.id} ${describeSuppression(suppression)}${until === undefined ? '' : ` until ${until}`}; ${suppressed.length} open finding(s) suppressed\n`,
    );
    for (const change of suppressed) io.out(`  ${change.findingId}\n`);
    return ExitCode.ok;
  };
}

function describeSuppression(suppression: Suppression): string {
  if (suppression.findingId !== undefined) return `mutes finding ${suppression.findingId}`;
  if (suppression.resourcePattern !== undefined) return `mutes ${suppression.ruleId ?? ''} on resources ${suppression.resourcePattern}`;
  return `mutes ${suppression.ruleId ?? ''} by actors ${suppression.actorPattern ?? ''}`;
}

/** ID as a positional, or --rule with exactly one of --resource / --actor. */
function suppressionTarget(values: Values, positionals: string[], command: string): string | SuppressionTarget {
  const rule = typeof values.rule === 'string' ? values.rule : undefined;
  const resource = typeof values.resource === 'string' ? values.resource : undefined;
  const actor = typeof values.actor === 'string' ? values.actor : undefined;
  if (positionals.length > 0) {
    if (rule !== undefined || resource !== undefined || actor !== undefined)
      throw new UsageError(`${command}: give an ID or --rule with --resource/--actor, not both`);
    return onePositional(positionals, command, 'ID');
  }
  if (rule === undefined) throw new UsageError(`${command}: give a finding ID, or --rule with --resource PATTERN or --actor PATTERN`);
  if (ruleById(rule) === undefined) throw new UsageError(`--rule: no rule "${rule}" (see warden rules)`);
  if ((resource === undefined) === (actor === undefined)) throw new UsageError(`${command}: --rule needs exactly one of --resource PATTERN or --actor PATTERN`);
  return resource !== undefined ? { ruleId: rule, resourcePattern: resource } : { ruleId: rule, actorPattern: actor ?? '' };
}

// ---- arguments ------------------------------------------------------------------------------------

function positiveInteger(value: string | boolean | undefined, option: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} must be a positive whole number (got "${value}")`);
  return Number(value);
}

function requiredText(value: string | boolean | undefined, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${option} is required`);
  return value;
}

function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0] ?? ''}"`);
}

function onePositional(positionals: string[], command: string, name: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`${command}: ${name} is required`);
  if (extra.length > 0) throw new UsageError(`${command}: unexpected argument "${extra[0] ?? ''}"`);
  return first;
}

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
