import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AlertDeliveryError, Alerter, selectAlerts } from '../alerts/alerter.js';
import { buildAlert } from '../alerts/message.js';
import { SnsAlertPublisher } from '../alerts/publisher.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../alerts/settings.js';
import { renderAlertsForTerminal } from '../alerts/terminal.js';
import { catalogue } from '../detections/catalogue.js';
import { isSeverity, severityRank, SEVERITIES, type Severity } from '../detections/detection.js';
import { DetectionEngine } from '../detections/engine.js';
import type { Detected } from '../findings/finding.js';
import { ruleById } from '../findings/rule-book.js';
import type { FindingChange } from '../findings/store.js';
import { openFindingsStore } from '../findings/store.js';
import { createLogger } from '../logging/logger.js';
import { replay } from '../replay/replay.js';
import { ExitCode, UsageError, type CliIO } from './io.js';

const USAGE =
  'usage: warden replay PATH... [--json] [--store DIR | --table NAME [--region R]] [--fail-on SEVERITY] [--reset-store]\n' +
  '                     [--alerts terminal|none] [--sns-topic ARN] [--alert-min-severity SEVERITY]';
const ALERT_MODES = ['terminal', 'none'] as const;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;

/**
 * `warden replay PATH...`: runs the detections over CloudTrail files, directories or `-` (stdin) and
 * records findings in the findings table. Exit status: 0 all input read; 2 some input skipped;
 * 1 (wins over 2) a detection at or above --fail-on; 70 a detection failed on some event, or
 * alerts could not be published to --sns-topic (they stay pending: the same replay sends them).
 * Alerts: printed on the terminal by default (a preview: nothing is marked sent), published with
 * --sns-topic exactly as the Lambda does (pending -> sent), or not at all with --alerts none.
 */
export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      store: { type: 'string', default: '.warden' },
      table: { type: 'string' },
      region: { type: 'string' },
      'fail-on': { type: 'string' },
      'reset-store': { type: 'boolean', default: false },
      alerts: { type: 'string', default: 'terminal' },
      'sns-topic': { type: 'string' },
      'alert-min-severity': { type: 'string', default: DEFAULT_ALERT_SETTINGS.minSeverity },
    },
  });
  if (positionals.length === 0) throw new UsageError(`replay needs at least one PATH (a file, a directory or - for stdin)\n${USAGE}`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && !isSeverity(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}; got "${failOn}"`);
  if (values['reset-store'] && values.table !== undefined) throw new UsageError('--reset-store only applies to the embedded store (--store), never to a deployed --table');
  const alertMode = values.alerts;
  if (!(ALERT_MODES as readonly string[]).includes(alertMode)) throw new UsageError(`--alerts must be one of ${ALERT_MODES.join(', ')}; got "${alertMode}"`);
  const topicArn = values['sns-topic'];
  if (topicArn !== undefined && !TOPIC_ARN.test(topicArn)) throw new UsageError(`--sns-topic must be an SNS topic ARN; got "${topicArn}"`);
  if (topicArn !== undefined && alertMode === 'none') throw new UsageError('--sns-topic publishes alerts; it cannot be combined with --alerts none');
  const minSeverity = values['alert-min-severity'];
  if (!isSeverity(minSeverity)) throw new UsageError(`--alert-min-severity must be one of ${SEVERITIES.join(', ')}; got "${minSeverity}"`);
  const alertSettings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, minSeverity, ...(values.table === undefined ? {} : { findingsTable: values.table }) };

  if (values['reset-store']) await rm(values.store, { recursive: true, force: true });
  const opened = await openFindingsStore(
    values.table !== undefined ? { tableName: values.table, ...(values.region === undefined ? {} : { region: values.region }) } : { storeDir: values.store },
  );

  const started = performance.now();
  const raised = new Map<string, Detected>();
  const changes = new Map<string, FindingChange>();
  let highest: Severity | undefined;
  const progress = progressLine(io);
  const publisher = topicArn === undefined ? undefined : new SnsAlertPublisher({ topicArn });
  // Publishing logs nothing of its own here: what happened is reported below, in words.
  const alerter = publisher === undefined ? undefined : new Alerter({ store: opened.store, publisher, settings: alertSettings, rules: catalogue });
  const published = { sent: 0, resolvedNotices: 0, belowMinimum: 0, failed: [] as { findingId: string; reason: string }[], unreachable: undefined as AlertDeliveryError | undefined };
  const quiet = createLogger({ level: 'silent' });
  try {
    const stats = await replay({
      inputs: positionals,
      stdin: io.stdin,
      engine: new DetectionEngine(catalogue),
      store: opened.store,
      onDetected(detected) {
        if (highest === undefined || severityRank(detected.severity) > severityRank(highest)) highest = detected.severity;
        if (values.json) io.out(`${JSON.stringify(detected)}\n`);
        else raised.set(detected.findingId, detected);
      },
      onProblem(problem) {
        progress.clear();
        io.err(`skipped ${problem.file}${problem.position === undefined ? '' : ` (${problem.position})`}: ${problem.reason}\n`);
      },
      onRuleFailure(failure, origin) {
        progress.clear();
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        io.err(`rule ${failure.ruleId} failed on event ${failure.eventId} (${origin.file}, ${origin.position}): ${message}\n`);
      },
      async onFindingsWritten(written) {
        // A finding written in several flushes keeps its first, most telling outcome (opened beats updated).
        for (const change of written) if (change.outcome !== 'unchanged' || !changes.has(change.findingId)) changes.set(change.findingId, change);
        // After the first failure to reach SNS, stop trying: the rest stay pending for the next replay.
        if (alerter === undefined || published.unreachable !== undefined) return;
        try {
          const report = await alerter.deliver(written, quiet);
          published.sent += report.sent.length;
          published.resolvedNotices += report.resolvedNotices;
          published.belowMinimum += report.belowMinimum.length;
          published.failed.push(...report.failed);
        } catch (error) {
          if (!(error instanceof AlertDeliveryError)) throw error;
          published.unreachable = error;
        }
      },
      onProgress: progress.update,
    });
    progress.clear();

    if (!values.json) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.out(`Replayed ${stats.records} records from ${stats.files} input${stats.files === 1 ? '' : 's'} in ${seconds} s`);
      io.out(stats.skipped > 0 ? `; ${stats.skipped} skipped (see above).\n\n` : '.\n\n');
      io.out(describeDetections([...raised.values()]));
      const findings = [...changes.values()].filter((change) => change.finding !== undefined);
      const resolved = findings.filter((change) => change.finding?.status === 'resolved' && change.outcome !== 'unchanged');
      io.out(describeResolutions(resolved));
      const count = (outcome: FindingChange['outcome']): number => findings.filter((change) => change.outcome === outcome).length;
      io.out(
        `\nFindings table (${values.table ?? values.store}): ${count('opened')} opened, ${count('reopened')} reopened, ${count('updated')} updated, ` +
          `${resolved.length} resolved, ${count('suppressed')} suppressed, ${count('unchanged')} already recorded.\n`,
      );
      const storeOption = values.table !== undefined ? `--table ${values.table}` : values.store === '.warden' ? '' : `--store ${values.store}`;
      io.out(`See them with: npx warden findings list ${storeOption}`.trimEnd() + '\n');
      if (alertMode === 'terminal' && topicArn === undefined) {
        const { due } = selectAlerts([...changes.values()], alertSettings, 'preview');
        const messages = due.map((item) => buildAlert({ kind: item.kind, finding: item.finding, rule: ruleById(item.finding.ruleId), findingsTable: values.table, storeDir: values.store }));
        io.out(renderAlertsForTerminal(messages, 'publish them with --sns-topic ARN, hide them with --alerts none'));
      }
    }
    if (topicArn !== undefined) reportPublished(io, topicArn, published, values.json);
    if (published.unreachable !== undefined) return ExitCode.failure;

    if (failOn !== undefined && highest !== undefined && severityRank(highest) >= severityRank(failOn)) return ExitCode.findingsAtThreshold;
    if (stats.ruleFailures > 0) return ExitCode.failure;
    return stats.skipped > 0 ? ExitCode.inputSkipped : ExitCode.ok;
  } finally {
    publisher?.close();
    await opened.close();
  }
}

function reportPublished(
  io: CliIO,
  topicArn: string,
  published: { sent: number; resolvedNotices: number; belowMinimum: number; failed: { findingId: string; reason: string }[]; unreachable: AlertDeliveryError | undefined },
  json: boolean,
): void {
  for (const failure of published.failed) io.err(`alert for finding ${failure.findingId} rejected by SNS (recorded on the finding, not retried): ${failure.reason}\n`);
  if (published.unreachable !== undefined) {
    io.err(`alerts not published: ${published.unreachable.message}; the findings keep their alert pending, and replaying the same input sends them once\n`);
  }
  if (json) return;
  const notices = published.resolvedNotices > 0 ? `, ${published.resolvedNotices} resolved notice${published.resolvedNotices === 1 ? '' : 's'}` : '';
  const below = published.belowMinimum > 0 ? `; ${published.belowMinimum} below --alert-min-severity, not alerted` : '';
  io.out(`\nAlerts published to ${topicArn}: ${published.sent}${notices}${published.failed.length > 0 ? `, ${published.failed.length} rejected` : ''}${below}.\n`);
}

function describeDetections(detections: readonly Detected[]): string {
  if (detections.length === 0) return 'No risky change found.\n';
  const ordered = [...detections].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.eventTime.localeCompare(b.eventTime));
  const blocks = ordered.map((detected) => {
    const when = detected.eventTime.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
    const from = detected.sourceIp === undefined ? '' : ` from ${detected.sourceIp}`;
    const mfa = detected.mfaAuthenticated === undefined ? '' : detected.mfaAuthenticated ? ', with MFA' : ', without MFA';
    return [
      `${detected.severity.toUpperCase().padEnd(8)}  ${detected.ruleId}  ${when}  finding ${detected.findingId}`,
      `  ${detected.summary}`,
      `  by ${detected.actor} (${detected.actorType}${mfa})${from}, ${detected.eventName} in ${detected.region}`,
    ].join('\n');
  });
  return `${detections.length} risk${detections.length === 1 ? '' : 's'} found:\n\n${blocks.join('\n\n')}\n`;
}

function describeResolutions(changes: readonly FindingChange[]): string {
  if (changes.length === 0) return '';
  const lines = changes.map((change) => {
    const latest = change.finding?.history.at(-1);
    return `RESOLVED  ${change.finding?.ruleId ?? ''}  finding ${change.findingId}: ${latest?.reason ?? 'risk removed'}`;
  });
  return `\nResolved by later events:\n${lines.join('\n')}\n`;
}

/** Progress on standard error, only when it is a terminal, at most four times a second. */
function progressLine(io: CliIO) {
  let last = 0;
  let shown = false;
  return {
    update(progress: { records: number; files: number }): void {
      if (!io.errIsTTY) return;
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      io.err(`\r${progress.records.toLocaleString('en-US')} records, ${progress.files} files...`);
    },
    clear(): void {
      if (shown) io.err('\r\u001b[K');
      shown = false;
    },
  };
}
