import { jsonText, oneLine } from '../../alerts/escape.js';
import { readableTime } from '../../alerts/facts.js';
import { catalogue } from '../../detections/catalogue.js';
import { severityRank, type Severity } from '../../detections/detection.js';
import { DetectionEngine } from '../../detections/engine.js';
import type { Detected } from '../../findings/finding.js';
import { outcomePriority, type Finding } from '../../findings/model.js';
import type { FindingChange } from '../../findings/store.js';
import { ONLY_OWN_ACCOUNT } from '../../policy/boundary.js';
import { FindingsExportError } from '../../export/findings-export.js';
import { replay } from '../../replay/replay.js';
import type { ReadInput } from '../../cloudtrail/read.js';
import type { TrailSelection } from '../../cloudtrail/s3-logs.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { ALERT_OPTIONS, ALERT_USAGE, alertChoice, CommandAlerts } from '../alerting.js';
import type { Command } from '../command.js';
import type { CliDependencies } from '../dependencies.js';
import { ExitCode, UsageError, type CliIO } from '../io.js';
import {
  accountsOption,
  isoTimeOption,
  parseOptions,
  regionsOption,
  severityOption,
  STORE_OPTIONS,
  storeArguments,
  storeSelection,
  TRUST_OPTIONS,
  trustedBoundaryOption,
} from '../options.js';
import { plural } from '../render.js';

const USAGE = `usage: warden replay PATH... [options]

  Runs every detection over CloudTrail input and records findings. PATH is a file, a directory
  (walked recursively) or - for standard input: CloudTrail S3 log files (.json or .json.gz), JSON
  arrays of records, EventBridge events, JSON Lines, or \`aws cloudtrail lookup-events\` output.
  PATH may also be s3://BUCKET[/PREFIX], a trail's bucket read in place (standard AWS credential
  chain; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL with path-style addressing): under CloudTrail's
  layout (AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/) only the accounts, regions and
  days asked for are listed.

  --since TIME, --until TIME only events from --since (inclusive) to --until (exclusive): an ISO
                             date (2026-01-31, midnight UTC) or time (2026-01-31T08:00:00Z)
  --accounts IDS             only events of these accounts, comma-separated
  --regions R,...            only events of these regions, comma-separated

  --json                     one detection per line on standard output (with its findingId), nothing else
  --store DIR                the embedded findings store (default .warden)
  --table NAME [--region R]  the deployed findings table instead (standard AWS credential chain)
  --reset-store              empty the embedded store first, once no other warden uses it: its own
                             files only, each named (the demo does this)
  --fail-on SEVERITY         exit 1 when a finding at or above it was raised and is not suppressed
${ALERT_USAGE}
  --security-hub             also import every finding written into AWS Security Hub, as the account's
                             own custom integration (standard AWS credential chain and region)
  --trusted-accounts IDS     account ids and organization ids (o-...) whose access is not "outside the
                             account", comma-separated (default: the config file's trustedAccounts)
  --config FILE              settings file (default warden.config.json here, when it exists)

  Exit status: 0 all input read; 2 some input skipped (the rest processed: a line, document or record
  over its cap, README "Hostile input"); 66 a PATH does not exist (the others are read); 1 (wins over
  2 and 66) --fail-on reached; 70 a detection failed on some event, SNS or Security Hub could not be
  reached, or the store failed (disk full, damaged); 75 the store is in use; 64 a usage mistake.
`;
/** S3 objects downloaded ahead while one is parsed: CloudTrail files are small, so the round trips are what costs. */
const S3_DOWNLOADS_AHEAD = 16;
const S3_SCHEME = 's3://';

export const replayCommand: Command = {
  name: 'replay',
  run: runReplay,
};

/**
 * `warden replay PATH...`: runs the detections over CloudTrail files, directories or `-` (stdin) and
 * records findings in the findings table. Exit status: 0 all input read; 2 some input skipped;
 * 66 a path does not exist; 1 (wins over 2 and 66) a detection at or above --fail-on; 70 a
 * detection failed on some event, or
 * alerts could not be published to --sns-topic (they stay pending: the same replay sends them).
 * Alerts: printed on the terminal by default (a preview: nothing is marked sent), published with
 * --sns-topic exactly as the Lambda does (pending -> sent), or not at all with --alerts none.
 */
async function runReplay(argv: string[], cli: CliDependencies): Promise<number> {
  const { io } = cli;
  const { values, positionals } = parseOptions('replay', argv, {
    ...STORE_OPTIONS,
    ...TRUST_OPTIONS,
    json: { type: 'boolean' },
    'fail-on': { type: 'string' },
    'reset-store': { type: 'boolean' },
    ...ALERT_OPTIONS,
    'security-hub': { type: 'boolean' },
    since: { type: 'string' },
    until: { type: 'string' },
    accounts: { type: 'string' },
    regions: { type: 'string' },
  });
  if (values.help === true) {
    io.out(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length === 0) throw new UsageError('replay needs at least one PATH (a file, a directory or - for stdin); see warden replay --help');
  const json = values.json === true;
  const selection = storeSelection(values);
  const failOn = typeof values['fail-on'] === 'string' ? severityOption(values['fail-on'], '--fail-on') : undefined;
  if (values['reset-store'] === true && !('storeDir' in selection))
    throw new UsageError('--reset-store only applies to the embedded store (--store), never to a deployed --table');
  const alertsChosen = alertChoice(values, selection);

  const window = {
    ...(typeof values.since === 'string' ? { since: isoTimeOption(values.since, '--since') } : {}),
    ...(typeof values.until === 'string' ? { until: isoTimeOption(values.until, '--until') } : {}),
  };
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) throw new UsageError('--since must be before --until');
  const accounts = typeof values.accounts === 'string' ? new Set(accountsOption(values.accounts)) : undefined;
  const regions = typeof values.regions === 'string' ? new Set(regionsOption(values.regions)) : undefined;
  const trailSelection = { window, ...(accounts === undefined ? {} : { accounts }), ...(regions === undefined ? {} : { regions }) };

  const boundary = await trustedBoundaryOption(values);
  if (boundary === undefined) {
    io.err(
      'note: no trusted accounts given (--trusted-accounts or warden.config.json): rules about access from outside the account trust only the account itself.\n',
    );
  }

  // The store resets itself once it holds its lock, removing only its own files.
  const opened = await cli.openStore(values['reset-store'] === true && 'storeDir' in selection ? { ...selection, reset: true } : selection);
  if (opened.removed !== undefined && 'storeDir' in selection) {
    const removed = opened.removed.length === 0 ? 'nothing to remove' : `removed ${opened.removed.map(oneLine).join(', ')}`;
    io.err(`reset store ${oneLine(selection.storeDir)}: ${removed}\n`);
  }

  const started = performance.now();
  const raised = new Map<string, Detected>();
  const changes = new Map<string, FindingChange>();
  /** The highest severity each finding was raised with in this replay (for --fail-on). */
  const raisedSeverity = new Map<string, Severity>();
  const progress = progressLine(io);
  const securityHub =
    values['security-hub'] === true
      ? await cli.openSecurityHub(opened.store).catch(async (error: unknown) => {
          await opened.close();
          throw error;
        })
      : undefined;
  const exported = { count: 0, failed: [] as { findingId: string; reason: string }[], unreachable: undefined as FindingsExportError | undefined };
  const alerts = await CommandAlerts.open(cli, opened.store, alertsChosen).catch(async (error: unknown) => {
    securityHub?.close();
    await opened.close();
    throw error;
  });
  // S3's client and the bucket reader load only for a replay that reads a bucket (opened inside the
  // try, so that a failure to build it still closes what is open).
  let s3: S3Client | undefined;
  try {
    if (positionals.some((path) => path.startsWith(S3_SCHEME))) s3 = await cli.openS3();
    const stats = await replay({
      inputs: inputsOf(positionals, s3, trailSelection),
      ...trailSelection,
      ...(s3 === undefined ? {} : { loadAhead: S3_DOWNLOADS_AHEAD }),
      stdin: io.stdin,
      engine: new DetectionEngine(catalogue, { boundary: boundary ?? ONLY_OWN_ACCOUNT }),
      store: opened.store,
      onDetected(detected) {
        const before = raisedSeverity.get(detected.findingId);
        if (before === undefined || severityRank(detected.severity) > severityRank(before)) raisedSeverity.set(detected.findingId, detected.severity);
        if (json) io.out(`${jsonText(detected)}\n`);
        else raised.set(detected.findingId, detected);
      },
      onProblem(problem) {
        progress.clear();
        // A file name or a reason can hold a newline: one line each, so none forges another report.
        io.err(`skipped ${oneLine(problem.file)}${problem.position === undefined ? '' : ` (${oneLine(problem.position)})`}: ${oneLine(problem.reason)}\n`);
      },
      onRuleFailure(failure, origin) {
        progress.clear();
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        io.err(
          `rule ${failure.ruleId} failed on event ${oneLine(failure.eventId)} (${oneLine(origin.file)}, ${oneLine(origin.position)}): ${oneLine(message)}\n`,
        );
      },
      async onFindingsWritten(written) {
        // A finding written in several flushes keeps its most telling outcome (opened beats updated)
        // and its latest state.
        for (const change of written) {
          const before = changes.get(change.findingId);
          const outcome = before !== undefined && outcomePriority(before.outcome) < outcomePriority(change.outcome) ? before.outcome : change.outcome;
          changes.set(change.findingId, { ...change, outcome });
        }
        // Every finding written, unchanged ones too: a second replay sends what an unreachable Security Hub missed.
        if (securityHub !== undefined && exported.unreachable === undefined) {
          try {
            const report = await securityHub.exporter.export(written, cli.logger);
            exported.count += report.exported.length;
            exported.failed.push(...report.failed);
          } catch (error) {
            if (!(error instanceof FindingsExportError)) throw error;
            exported.unreachable = error;
          }
        }
        await alerts.deliver(written, cli);
      },
      onProgress: progress.update,
    });
    progress.clear();

    // A suppressed finding is an accepted risk: shown, recorded, but never failing the gate.
    const suppressed = new Map(
      [...changes.values()].flatMap((change) => (change.finding?.status === 'suppressed' ? [[change.findingId, change.finding] as const] : [])),
    );
    if (!json) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.out(`Replayed ${plural(stats.records, 'record')} from ${plural(stats.files, 'input')} in ${seconds} s`);
      if (stats.outside > 0) io.out(`; ${plural(stats.outside, 'other record')} outside ${describeSelection(values)}`);
      io.out(stats.skipped > 0 ? `; ${stats.skipped} skipped (see above).\n\n` : '.\n\n');
      io.out(describeDetections([...raised.values()], suppressed));
      const findings = [...changes.values()].filter((change) => change.finding !== undefined);
      const resolved = findings.filter((change) => change.finding?.status === 'resolved' && change.outcome !== 'unchanged');
      io.out(describeResolutions(resolved));
      const count = (outcome: FindingChange['outcome']): number => findings.filter((change) => change.outcome === outcome).length;
      io.out(
        `\nFindings table (${'tableName' in selection ? `table ${selection.tableName}` : selection.storeDir}): ${count('opened')} opened, ${count('reopened')} reopened, ${count('updated')} updated, ` +
          `${resolved.length} resolved, ${count('suppressed')} suppressed, ${count('unchanged')} already recorded.\n`,
      );
      io.out(`See them with: npx warden findings list${storeArguments(selection)}\n`);
      io.out(alerts.preview([...changes.values()], selection));
    }
    alerts.report(io, { json, again: 'replaying the same input' });
    if (securityHub !== undefined) {
      for (const failure of exported.failed)
        io.err(`finding ${failure.findingId} refused by Security Hub (recorded on the finding): ${oneLine(failure.reason)}\n`);
      if (exported.unreachable !== undefined)
        io.err(`findings not exported: ${oneLine(exported.unreachable.message)}; replaying the same input sends them again\n`);
      if (!json)
        io.out(
          `\nFindings imported into Security Hub (${securityHub.productArn}): ${exported.count}${exported.failed.length > 0 ? `, ${exported.failed.length} refused` : ''}.\n`,
        );
    }
    if (alerts.unreachable || exported.unreachable !== undefined) return ExitCode.failure;

    const gated =
      failOn !== undefined && [...raisedSeverity].some(([findingId, severity]) => !suppressed.has(findingId) && severityRank(severity) >= severityRank(failOn));
    if (gated) return ExitCode.findingsAtThreshold;
    if (stats.ruleFailures > 0) return ExitCode.failure;
    if (stats.missing > 0) return ExitCode.notFound;
    return stats.skipped > 0 ? ExitCode.inputSkipped : ExitCode.ok;
  } finally {
    s3?.destroy();
    alerts.close();
    securityHub?.close();
    await opened.close();
  }
}

/** The paths as the reader takes them: an `s3://` location becomes the stream of its log files. */
async function* inputsOf(paths: readonly string[], s3: S3Client | undefined, selection: TrailSelection): AsyncGenerator<ReadInput, void, undefined> {
  if (s3 === undefined) {
    yield* paths;
    return;
  }
  const { parseS3Url, trailLogFiles } = await import('../../cloudtrail/s3-logs.js');
  for (const path of paths) {
    const location = parseS3Url(path);
    if (location === undefined) yield path;
    else yield* trailLogFiles(s3, location, selection);
  }
}

function describeSelection(values: Record<string, string | boolean | undefined>): string {
  return ['since', 'until', 'accounts', 'regions']
    .filter((option) => typeof values[option] === 'string')
    .map((option) => `--${option}`)
    .join(', ');
}

/** Every value from an event is one line (`oneLine`): a user agent or a user name cannot draw on the terminal or forge a line. */
function describeDetections(detections: readonly Detected[], suppressed: ReadonlyMap<string, Finding>): string {
  if (detections.length === 0) return 'No risky change found.\n';
  const ordered = [...detections].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.eventTime.localeCompare(b.eventTime));
  const blocks = ordered.map((detected) => {
    const when = oneLine(readableTime(detected.eventTime));
    const from = detected.sourceIp === undefined ? '' : ` from ${oneLine(detected.sourceIp)}`;
    const mfa = detected.mfaAuthenticated === undefined ? '' : detected.mfaAuthenticated ? ', with MFA' : ', without MFA';
    const mute = suppressed.get(detected.findingId);
    return [
      `${detected.severity.toUpperCase().padEnd(8)}  ${detected.ruleId}  ${when}  finding ${detected.findingId}${mute === undefined ? '' : `  (suppressed: ${oneLine(mute.history.at(-1)?.reason ?? 'by a suppression')})`}`,
      `  ${oneLine(detected.summary)}`,
      `  by ${oneLine(detected.actor)} (${oneLine(detected.actorType)}${mfa})${from}, ${oneLine(detected.eventName)} in ${oneLine(detected.region)}`,
    ].join('\n');
  });
  return `${plural(detections.length, 'risk')} found:\n\n${blocks.join('\n\n')}\n`;
}

function describeResolutions(changes: readonly FindingChange[]): string {
  if (changes.length === 0) return '';
  const lines = changes.map((change) => {
    const latest = change.finding?.history.at(-1);
    return `RESOLVED  ${change.finding?.ruleId ?? ''}  finding ${change.findingId}: ${oneLine(latest?.reason ?? 'risk removed')}`;
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
