import type { S3Client } from '@aws-sdk/client-s3';
import type { ReadProblem, RemoteFile } from '../cloudtrail/read.js';
import { isTrailLogKey, s3LogFile, type TrailWindow, trailKeyInWindow } from '../cloudtrail/s3-logs.js';
import { DetectionEngine } from '../detections/engine.js';
import type { FindingChange, FindingsStore } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';
import type { TrustBoundary } from '../policy/boundary.js';
import { replay } from '../replay/replay.js';

/** Log files downloaded ahead while one is parsed: each costs a round trip to S3, so several overlap. */
const LOAD_AHEAD = 8;
/** Problems the summary names (it is the child execution's output, which Step Functions caps at 256 KiB). */
const NAMED_PROBLEMS = 10;
/**
 * How old a finding's latest event must be for the backfill to settle its alert as not owed. EventBridge
 * goes on delivering an event to the detection function for a day (its rule's retry policy,
 * maximumEventAge 86400 in serverless.yml): a newer finding may still be the detection function's to alert.
 */
const ALERT_HORIZON_MS = 86_400_000;

export interface ReplayLogBatchDependencies {
  readonly s3: S3Client;
  readonly engine: DetectionEngine;
  readonly store: FindingsStore;
  readonly logger: Logger;
  /** The trusted boundary now (it can grow with the organization); the engine's own when absent. */
  readonly boundary?: { current(): Promise<TrustBoundary> };
  readonly now?: () => Date;
}

/** What one batch did: the child execution's output, in the console and the run's results. */
export interface ReplayBatchSummary {
  readonly bucket: string;
  /** Log files read. */
  readonly files: number;
  /** Keys of the batch not downloaded: dated a whole day outside the window, or not a log file (a digest, a folder). */
  readonly skippedKeys: number;
  /** Records replayed, and records read but outside the window. */
  readonly records: number;
  readonly recordsOutsideWindow: number;
  readonly opened: number;
  readonly reopened: number;
  readonly updated: number;
  readonly resolved: number;
  /** Findings this batch opened from events older than a day: recorded, their alert settled as not owed. */
  readonly alertsWithheld: number;
  readonly ruleFailures: number;
  /** Input skipped (not CloudTrail, corrupt gzip, a record over its cap...), and the first few of them. */
  readonly problems: number;
  readonly firstProblems: readonly ReadProblem[];
}

/** A batch that is not what the backfill state machine sends: no retry can fix it. */
export class InvalidBatchError extends Error {
  override readonly name = 'InvalidBatchError';
}

/**
 * Some log files could not be downloaded after the SDK's retries (access denied, a key the role may not
 * use, throttling that outlasted them): thrown once the rest of the batch is written, so Step Functions
 * retries the batch and, if it still fails, lists it among the run's failed batches, to be redriven.
 */
export class UnreadableLogFilesError extends Error {
  override readonly name = 'UnreadableLogFilesError';
}

interface LogFileBatch {
  readonly bucket: string;
  readonly keys: readonly string[];
  readonly window: TrailWindow;
}

/**
 * What the backfill function does with one batch of the Distributed Map (`{ Items: [{ Key, Size, ... }],
 * BatchInput: { bucket, since?, until? } }`): skips the keys dated outside the window without
 * downloading them, replays the rest through the detection engine into the findings table (records
 * outside the window are skipped too) with the trusted boundary the detection function uses, and returns
 * a summary. It sends no alert: these are old events. A finding it opens from events older than a day
 * owes none, so the daily sweep does not send one either; a newer one is left to the detection function.
 * The table is idempotent per eventID, so a batch retried or replayed twice changes nothing more.
 */
export async function replayLogBatch(event: unknown, dependencies: ReplayLogBatchDependencies): Promise<ReplayBatchSummary> {
  const { s3, store, logger } = dependencies;
  const { bucket, keys, window } = batchOf(event);
  const now = (dependencies.now ?? (() => new Date()))();
  const engine =
    dependencies.boundary === undefined
      ? dependencies.engine
      : new DetectionEngine(dependencies.engine.catalogue, { ...dependencies.engine.context, boundary: await dependencies.boundary.current() });

  const wanted = keys.filter((key) => isTrailLogKey(key) && trailKeyInWindow(key, window));
  const unreadable: ReadProblem[] = [];
  const problems: ReadProblem[] = [];
  let problemCount = 0;
  let alertsWithheld = 0;

  const stats = await replay({
    inputs: wanted.map((key) => noticingUnreadable(s3LogFile(s3, bucket, key), unreadable)),
    loadAhead: LOAD_AHEAD,
    window,
    engine,
    store,
    onProblem(problem) {
      problemCount += 1;
      if (problems.length < NAMED_PROBLEMS) problems.push(problem);
    },
    onRuleFailure(failure, origin) {
      logger.error(
        { ruleId: failure.ruleId, eventId: failure.eventId, file: origin.file, err: failure.error },
        'detection failed on an event; the other detections ran',
      );
    },
    async onFindingsWritten(changes) {
      for (const change of changes.filter((candidate) => owesOldAlert(candidate, now))) {
        if (await store.markAlert(change.findingId, 'none')) alertsWithheld += 1;
      }
    },
  });

  const summary: ReplayBatchSummary = {
    bucket,
    files: stats.files,
    skippedKeys: keys.length - wanted.length,
    records: stats.records,
    recordsOutsideWindow: stats.outside,
    opened: stats.outcomes.opened,
    reopened: stats.outcomes.reopened,
    updated: stats.outcomes.updated,
    resolved: stats.outcomes.resolved,
    alertsWithheld,
    ruleFailures: stats.ruleFailures,
    problems: problemCount,
    firstProblems: problems,
  };
  logger.info({ ...summary, firstProblems: problems.map(({ file, reason }) => ({ file, reason })) }, 'batch replayed');
  if (unreadable.length > 0) {
    const named = unreadable.slice(0, NAMED_PROBLEMS).map((problem) => `${problem.file} (${problem.reason})`);
    throw new UnreadableLogFilesError(
      `${unreadable.length} of ${wanted.length} log files could not be read: ${named.join(', ')}${unreadable.length > named.length ? ', ...' : ''}; the rest were replayed`,
    );
  }
  return summary;
}

/** A finding this write opened (or reopened) from events older than the horizon, still owing its alert. */
function owesOldAlert(change: FindingChange, now: Date): boolean {
  const finding = change.finding;
  if (finding === undefined || finding.alertState !== 'pending') return false;
  if (change.outcome !== 'opened' && change.outcome !== 'reopened') return false;
  return Date.parse(finding.lastSeen) < now.getTime() - ALERT_HORIZON_MS;
}

/** The same remote file, noting in `unreadable` each one whose download failed (after the SDK's retries). */
function noticingUnreadable(file: RemoteFile, unreadable: ReadProblem[]): RemoteFile {
  return {
    name: file.name,
    async load() {
      const loaded = await file.load();
      if (loaded.kind === 'unreadable') {
        unreadable.push({ file: file.name, reason: loaded.error instanceof Error ? loaded.error.message : String(loaded.error) });
      }
      return loaded;
    },
  };
}

function batchOf(event: unknown): LogFileBatch {
  const items = field(event, 'Items');
  const input = field(event, 'BatchInput');
  const bucket = field(input, 'bucket');
  if (!Array.isArray(items) || typeof bucket !== 'string' || bucket === '')
    throw new InvalidBatchError('not a batch of the backfill state machine: expected { Items: [{ Key }], BatchInput: { bucket } }');
  const keys = items.map((item) => field(item, 'Key'));
  if (!keys.every((key): key is string => typeof key === 'string' && key !== '')) throw new InvalidBatchError('a batch item has no Key');
  const since = timeOf(field(input, 'since'), 'since');
  const until = timeOf(field(input, 'until'), 'until');
  if (since !== undefined && until !== undefined && since >= until) throw new InvalidBatchError('the window is empty: since must be before until');
  return { bucket, keys, window: { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) } };
}

/** An ISO 8601 date (UTC midnight) or time with its zone, as the execution input gives it; null or absent leaves that side open. */
function timeOf(value: unknown, name: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const time = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : undefined;
  if (time === undefined || Number.isNaN(time.getTime()))
    throw new InvalidBatchError(`${name} must be an ISO 8601 date or time (2026-01-02, 2026-01-02T10:00:00Z); got ${JSON.stringify(value)}`);
  return time;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
