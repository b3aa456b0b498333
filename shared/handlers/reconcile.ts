import type { Alerter } from '../alerts/alerter.js';
import { type Environment, optionalSetting, SettingsError } from '../config/settings.js';
import { exportRecordingOutage, type FindingsExport } from '../export/findings-export.js';
import type { FindingsStore } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';
import type { TrustBoundary } from '../policy/boundary.js';
import type { ScanClientConfig, StateReader } from '../scan/reader.js';
import { recordScan } from '../scan/record.js';
import { scanAccount } from '../scan/scan.js';
import type { ScanTarget } from '../scan/target.js';

export interface ReconcileDependencies {
  readonly readers: readonly StateReader[];
  readonly store: FindingsStore;
  readonly alerter: Alerter;
  /** The trusted boundary now (it can grow with the organization). */
  readonly boundary: { current(): Promise<TrustBoundary> };
  /** The account, the caller and the regions to read, looked up at each run (a region can be enabled any day). */
  readonly target: () => Promise<ScanTarget>;
  /** Client settings for the readers; the scan sets the region of each read. */
  readonly clientConfig: Omit<ScanClientConfig, 'region'>;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Copies what the run recorded and resolved elsewhere (Security Hub), after the alerts; none by default. */
  readonly exporter?: FindingsExport;
}

export interface ReconcileSummary {
  readonly account: string;
  readonly regions: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Risks the scan saw. */
  readonly present: number;
  readonly opened: number;
  readonly resolved: number;
  /** Reads (a reader in a region) that failed as a whole: their part was not reconciled. */
  readonly problems: number;
  /** Resources left as they were because they could not be read or judged. */
  readonly unread: number;
  readonly alertsSent: number;
  /** With an export: the findings it copied, and those it could not (each recorded on the finding). */
  readonly exported?: number;
  readonly exportFailed?: number;
}

/**
 * Some part of the account could not be read, or the export could not reach its destination: thrown
 * after the rest is recorded, so the Errors alarm fires.
 */
export class ReconcileIncompleteError extends Error {
  override readonly name = 'ReconcileIncompleteError';
}

/**
 * What the scheduled reconcile does: scans the account with every reader, records what it saw (the
 * same findings, with the same ids, as the events would give), resolves the open findings of the
 * parts it read completely that it no longer sees, never one last seen after the scan started (an
 * event raised it meanwhile), then alerts on what changed and exports it. A part that could not be
 * read is logged, left as it is, and fails the run once the rest is written; so does a destination
 * the export could not reach (recorded on each finding it did not get).
 */
export async function reconcileFindings(dependencies: ReconcileDependencies): Promise<ReconcileSummary> {
  const { readers, store, alerter, boundary, clientConfig, logger, exporter } = dependencies;
  const target = await dependencies.target();
  const report = await scanAccount(
    { ...target, readers, clientConfig },
    { context: { boundary: await boundary.current() }, logger, ...(dependencies.now === undefined ? {} : { now: dependencies.now }) },
  );
  const recorded = await recordScan(store, report);
  const changes = [...recorded.written, ...recorded.resolved];
  const alerts = await alerter.deliver(changes, logger);
  const exported = exporter === undefined ? undefined : await exportRecordingOutage(exporter, store, changes, logger);

  const summary: ReconcileSummary = {
    account: report.account,
    regions: target.regions.length,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    present: report.detected.length,
    opened: recorded.written.filter((change) => change.outcome === 'opened' || change.outcome === 'reopened').length,
    resolved: recorded.resolved.length,
    problems: report.problems.length,
    unread: report.unread.length,
    alertsSent: alerts.sent.length,
    ...(exported === undefined ? {} : { exported: exported.exported.length, exportFailed: exported.failed.length }),
  };
  logger.info({ ...summary, counts: report.counts }, 'reconcile done');
  const incomplete: string[] = [];
  if (report.problems.length > 0) {
    const parts = report.problems.map((problem) => `${problem.reader} in ${problem.region} (${problem.code})`);
    incomplete.push(
      `${parts.length} part(s) of the account could not be read: ${parts.slice(0, 5).join(', ')}${parts.length > 5 ? ', ...' : ''}; the rest was recorded and reconciled`,
    );
  }
  if (exported?.unreachable !== undefined) incomplete.push(`${exported.unreachable.message}; recorded on each finding not exported`);
  if (incomplete.length > 0) throw new ReconcileIncompleteError(incomplete.join('; '));
  return summary;
}

/** An AWS region name: two letters, words, a number (us-east-1, ap-southeast-5, us-gov-west-1). */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** SCAN_REGIONS: the regions to read, comma-separated; undefined (empty) for every enabled region. */
export function scanRegionsSetting(env: Environment): readonly string[] | undefined {
  const raw = optionalSetting(env, 'SCAN_REGIONS');
  if (raw === undefined) return undefined;
  const regions = [...new Set(raw.split(',').map((region) => region.trim()))].filter((region) => region !== '');
  const wrong = regions.find((region) => !REGION.test(region));
  if (regions.length === 0 || wrong !== undefined)
    throw new SettingsError(`setting SCAN_REGIONS must list AWS regions, comma-separated; got "${wrong ?? raw}"`);
  return regions;
}
