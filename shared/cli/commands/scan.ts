import { oneLine } from '../../alerts/escape.js';
import { severityRank } from '../../detections/detection.js';
import { FindingsExportError } from '../../export/findings-export.js';
import type { Detected } from '../../findings/finding.js';
import type { FindingChange } from '../../findings/store.js';
import { ONLY_OWN_ACCOUNT } from '../../policy/boundary.js';
import type { ScanReport } from '../../scan/reader.js';
import { READERS } from '../../scan/readers/catalogue.js';
import { recordScan } from '../../scan/record.js';
import { scanAccount } from '../../scan/scan.js';
import { discoverTarget, scanClientConfigFrom, type ScanTarget } from '../../scan/target.js';
import { ALERT_OPTIONS, ALERT_USAGE, alertChoice, CommandAlerts } from '../alerting.js';
import type { Command } from '../command.js';
import type { CliDependencies } from '../dependencies.js';
import { ExitCode, type CliIO } from '../io.js';
import {
  noPositionals,
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

const USAGE = `usage: warden scan [options]

  Reads the live account (the standard AWS credential chain; AWS_ENDPOINT_URL and
  AWS_ENDPOINT_URL_<SERVICE> are honoured) and records the risks that already exist as the same
  findings, with the same ids, that the events raise. Then resolves the open findings of the rules it
  read whose risk it no longer sees ("no longer present at <time>"), except where it could not read.

  --regions R,...            regions to read regional resources in (default: every enabled region)
  --json                     one finding per line on standard output (with its findingId), nothing else
  --store DIR                the embedded findings store (default .warden)
  --table NAME [--region R]  the deployed findings table instead (standard AWS credential chain)
  --fail-on SEVERITY         exit 1 when a finding at or above it is present and not suppressed
${ALERT_USAGE}
  --security-hub             also import the findings recorded or resolved into AWS Security Hub, as
                             the account's own custom integration (in the home region)
  --trusted-accounts IDS     account ids and organization ids (o-...) whose access is not "outside the
                             account", comma-separated (default: the config file's trustedAccounts)
  --config FILE              settings file (default warden.config.json here, when it exists)

  Exit status: 0 everything read; 2 some region or resource could not be read (reported; the rest was
  scanned, and nothing there was resolved); 1 (wins over 2) --fail-on reached; 70 the account, SNS
  or Security Hub could not be reached; 64 a usage mistake.
`;

/** Where the account and its regions are looked up when the environment names no region. */
const DEFAULT_HOME_REGION = 'us-east-1';

export const scanCommand: Command = {
  name: 'scan',
  run: runScan,
};

async function runScan(argv: string[], cli: CliDependencies): Promise<number> {
  const { io } = cli;
  const { values, positionals } = parseOptions('scan', argv, {
    ...STORE_OPTIONS,
    ...TRUST_OPTIONS,
    regions: { type: 'string' },
    json: { type: 'boolean' },
    'fail-on': { type: 'string' },
    'security-hub': { type: 'boolean' },
    ...ALERT_OPTIONS,
  });
  if (values.help === true) {
    io.out(USAGE);
    return ExitCode.ok;
  }
  noPositionals(positionals, 'scan');
  const json = values.json === true;
  const selection = storeSelection(values);
  const failOn = typeof values['fail-on'] === 'string' ? severityOption(values['fail-on'], '--fail-on') : undefined;
  const regions = typeof values.regions === 'string' ? regionsOption(values.regions) : undefined;
  const alertsChosen = alertChoice(values, selection);
  const boundary = await trustedBoundaryOption(values);
  if (boundary === undefined && !json) {
    io.err(
      'note: no trusted accounts given (--trusted-accounts or warden.config.json): rules about access from outside the account trust only the account itself.\n',
    );
  }

  const clientConfig = scanClientConfigFrom(cli.env);
  const homeRegion = cli.env['AWS_REGION'] ?? cli.env['AWS_DEFAULT_REGION'] ?? DEFAULT_HOME_REGION;
  const target = await discoverTarget({ ...clientConfig, region: homeRegion }, regions);
  const opened = await cli.openStore(selection);
  const alerts = await CommandAlerts.open(cli, opened.store, alertsChosen).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  try {
    const started = performance.now();
    const progress = progressLine(io);
    const report = await scanAccount(
      { ...target, readers: READERS, clientConfig },
      { context: { boundary: boundary ?? ONLY_OWN_ACCOUNT }, logger: cli.logger, now: cli.now, onProgress: progress.update },
    );
    progress.clear();
    const recorded = await recordScan(opened.store, report);
    await alerts.deliver([...recorded.written, ...recorded.resolved], cli);
    const exported =
      values['security-hub'] === true ? await exportToSecurityHub(cli, opened.store, homeRegion, [...recorded.written, ...recorded.resolved]) : 'off';
    const states = new Map([...recorded.written, ...recorded.resolved].map((change) => [change.findingId, change]));
    const present = report.detected.filter((detected) => states.get(detected.findingId)?.finding?.status !== 'suppressed');

    if (json) {
      for (const detected of report.detected) io.out(`${JSON.stringify(detected)}\n`);
    } else {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.out(`Scanned account ${target.account} in ${seconds} s: ${describeScope(target)}; read ${describeCounts(report.counts)}.\n\n`);
      io.out(describeFindings(report.detected, states));
      io.out(describeResolved(recorded.resolved));
      const count = (outcome: FindingChange['outcome']): number => recorded.written.filter((change) => change.outcome === outcome).length;
      io.out(
        `\nFindings table (${'tableName' in selection ? `table ${selection.tableName}` : selection.storeDir}): ${count('opened')} opened, ` +
          `${count('reopened')} reopened, ${count('updated')} still present, ${recorded.resolved.length} resolved, ${count('suppressed')} suppressed.\n`,
      );
      io.out(`See them with: npx warden findings list${storeArguments(selection)}\n`);
      io.out(alerts.preview([...recorded.written, ...recorded.resolved], selection));
    }
    alerts.report(io, { json, again: 'scanning again' });
    reportGaps(io, report);
    if (exported !== 'off' && !json) io.out(exported.line);
    if ((exported !== 'off' && exported.unreachable) || alerts.unreachable) return ExitCode.failure;

    if (failOn !== undefined && present.some((detected) => severityRank(detected.severity) >= severityRank(failOn))) return ExitCode.findingsAtThreshold;
    return report.problems.length > 0 || report.unread.length > 0 ? ExitCode.inputSkipped : ExitCode.ok;
  } finally {
    alerts.close();
    await opened.close();
  }
}

/** `--security-hub`: what was imported, in one line; refusals and an unreachable Security Hub on standard error. */
async function exportToSecurityHub(
  cli: CliDependencies,
  ledger: Parameters<CliDependencies['openSecurityHub']>[0],
  region: string,
  changes: readonly FindingChange[],
): Promise<{ line: string; unreachable: boolean }> {
  const securityHub = await cli.openSecurityHub(ledger, region);
  try {
    const report = await securityHub.exporter.export(changes, cli.logger);
    for (const failure of report.failed)
      cli.io.err(`finding ${failure.findingId} refused by Security Hub (recorded on the finding): ${oneLine(failure.reason)}\n`);
    const refused = report.failed.length > 0 ? `, ${report.failed.length} refused` : '';
    return { line: `\nFindings imported into Security Hub (${securityHub.productArn}): ${report.exported.length}${refused}.\n`, unreachable: false };
  } catch (error) {
    if (!(error instanceof FindingsExportError)) throw error;
    cli.io.err(`findings not exported: ${oneLine(error.message)}; scanning again sends them\n`);
    return { line: '', unreachable: true };
  } finally {
    securityHub.close();
  }
}

function describeScope(target: ScanTarget): string {
  const regional = READERS.filter((reader) => reader.reach === 'regional').map((reader) => reader.id);
  const global = READERS.filter((reader) => reader.reach === 'global').map((reader) => reader.id);
  const inRegions = regional.length === 0 ? '' : `; ${regional.join(', ')} in ${plural(target.regions.length, 'region')}`;
  return `${global.join(', ')}${inRegions}`;
}

/** What was read, by kind in a stable order; kinds the account has none of are left out (eighteen readers list many). */
function describeCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count.toLocaleString('en-US')}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

function describeFindings(detections: readonly Detected[], states: ReadonlyMap<string, FindingChange>): string {
  if (detections.length === 0) return 'No risk found.\n';
  const ordered = [...detections].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId));
  const blocks = ordered.map((detected) => {
    const finding = states.get(detected.findingId)?.finding;
    const mute = finding?.status === 'suppressed' ? `  (suppressed: ${oneLine(finding.history.at(-1)?.reason ?? 'by a suppression')})` : '';
    return [
      `${detected.severity.toUpperCase().padEnd(8)}  ${detected.ruleId}  finding ${detected.findingId}${mute}`,
      `  ${oneLine(detected.summary)}`,
      `  ${oneLine(detected.resource)}${detected.scope === undefined ? '' : ` (${oneLine(detected.scope)})`} in ${oneLine(detected.region)}`,
    ].join('\n');
  });
  return `${plural(detections.length, 'risk')} present:\n\n${blocks.join('\n\n')}\n`;
}

function describeResolved(changes: readonly FindingChange[]): string {
  if (changes.length === 0) return '';
  const lines = changes.map((change) => `RESOLVED  ${change.finding?.ruleId ?? ''}  finding ${change.findingId}  ${oneLine(change.finding?.resource ?? '')}`);
  return `\nNo longer present (resolved):\n${lines.join('\n')}\n`;
}

/** What could not be read, on standard error: its findings were left as they are. */
function reportGaps(io: CliIO, report: ScanReport): void {
  for (const problem of report.problems) io.err(`not scanned: ${problem.reader} in ${problem.region}: ${oneLine(problem.code)}: ${oneLine(problem.message)}\n`);
  for (const unread of report.unread) io.err(`not read: ${oneLine(unread.resource)} (${unread.reader} in ${unread.region}): ${oneLine(unread.reason)}\n`);
  if (report.problems.length > 0 || report.unread.length > 0) io.err('findings where the scan could not read were left as they are.\n');
}

/** Progress on standard error, only when it is a terminal, at most four times a second. */
function progressLine(io: CliIO) {
  let last = 0;
  let shown = false;
  return {
    update(counts: Readonly<Record<string, number>>): void {
      if (!io.errIsTTY) return;
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      io.err(`\r\u001b[Kscanning: ${describeCounts(counts)}...`);
    },
    clear(): void {
      if (shown) io.err('\r\u001b[K');
      shown = false;
    },
  };
}
