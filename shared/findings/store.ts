/**
 * What callers need from a findings store, as small interfaces. Two stores implement them all: the
 * deployed DynamoDB table (`dynamodb/store.ts`, the Lambdas' and `--table`) and the embedded SQLite
 * file (`sqlite/store.ts`, `--store DIR`); `open.ts` opens either for the command line. Callers
 * depend on these interfaces, never on a store's class, and the lifecycle fold (`lifecycle.ts`) is
 * the pure core both run.
 */
import type { Severity } from '../detections/detection.js';
import type { Evaluation } from '../detections/engine.js';
import type { AlertState, Finding, FindingStatus, Occurrence, Outcome, Suppression } from './model.js';
import type { FindingSummary } from './schema.js';
import type { SuppressionTarget } from './suppressions.js';

export type { FindingSummary } from './schema.js';

/** What a batch takes from the detection engine's evaluation of one record. */
export type EvaluationToStore = Pick<Evaluation, 'detected' | 'resolutions'>;

/** What a write did to one finding. `finding` is undefined when only an early resolution is stored. */
export interface FindingChange {
  readonly findingId: string;
  readonly outcome: Outcome;
  readonly finding: Finding | undefined;
}

export interface BatchOutcome {
  readonly changes: readonly FindingChange[];
  readonly counts: Readonly<Record<Outcome, number>>;
}

/**
 * Collects evaluations (a whole replay, or one Lambda event) and writes each finding once: its events
 * sorted by event time and folded together.
 */
export interface FindingsBatch {
  /** Number of findings the next flush writes (not counting unscoped resolutions). */
  readonly size: number;
  add(evaluation: EvaluationToStore): void;
  flush(): Promise<BatchOutcome>;
}

/** Recording what the detections saw, idempotently per CloudTrail event id. */
export interface FindingsWriter {
  batch(): FindingsBatch;
  /** Applies one evaluation (the Lambda's path: one event). */
  apply(evaluation: EvaluationToStore): Promise<BatchOutcome>;
}

export interface ListQuery {
  /** Default: open. */
  readonly statuses?: readonly FindingStatus[];
  readonly minSeverity?: Severity;
  readonly ruleId?: string;
  /** Exact resource. */
  readonly resource?: string;
  /** Part of the resource (a filter on what is read; prefer `resource` when you know the ARN). */
  readonly resourceContains?: string;
  /** ISO time: only findings last seen at or after it. */
  readonly since?: string;
  /** Page size, default 50, at most 1000. */
  readonly limit?: number;
  /** From the previous page's `cursor`. */
  readonly cursor?: string;
}

export interface ListStats {
  /** Queries made for this page. */
  readonly calls: number;
  /** Items read: in DynamoDB, filtered ones included; in SQLite, the rows returned (its indexes do the rest). */
  readonly itemsRead: number;
}

export interface FindingPage {
  /** Newest `lastSeen` first (ties: the greater id first). */
  readonly findings: readonly FindingSummary[];
  /** Undefined on the last page (a page before it may come back empty). */
  readonly cursor: string | undefined;
  readonly stats: ListStats;
}

/** Reading findings, their occurrences and the suppressions. */
export interface FindingsReader {
  get(findingId: string): Promise<Finding | undefined>;
  /** Every stored occurrence of a finding, oldest first (at most MAX_OCCURRENCE_ITEMS). */
  occurrences(findingId: string): Promise<Occurrence[]>;
  list(query: ListQuery): Promise<FindingPage>;
  suppressions(): Promise<Suppression[]>;
}

export interface ActionBy {
  /** `cli:<user>` for a person. */
  readonly by: string;
  readonly reason: string;
}

/** Status changes a person makes (the command line, or the key audit muting its own rotations). */
export interface StatusChanges {
  /** Closes a finding by hand; FindingNotFoundError when there is none. */
  resolve(findingId: string, action: ActionBy): Promise<FindingChange>;
  /**
   * Mutes one finding, or a rule for a resource or actor pattern. Open findings it matches become
   * suppressed now (their alert state `none`); later detections it matches are recorded suppressed.
   */
  suppress(target: SuppressionTarget, action: ActionBy & { readonly until?: string }): Promise<{ suppression: Suppression; suppressed: FindingChange[] }>;
  /**
   * Removes suppressions (by suppression id or finding id, or the same target they were made with) and
   * reopens the findings they held, unless another active suppression still mutes them.
   */
  unsuppress(which: string | SuppressionTarget, action: ActionBy): Promise<{ removed: Suppression[]; reopened: FindingChange[] }>;
}

/**
 * How long a claim on an alert holds: longer than any function that sends alerts may run (Lambda's
 * limit is 15 minutes), so a live holder never loses it. An older claim's holder died (timed out,
 * crashed) before recording anything: the next delivery of the finding, or the daily sweep, claims it again.
 */
export const ALERT_CLAIM_LEASE_MS = 15 * 60_000;

/** Which alerts are owed and which were sent: every move is conditional, so racing alerters send once. */
export interface AlertLedger {
  /**
   * True for exactly one caller while the finding's alert is pending and not claimed (or its claim is
   * older than ALERT_CLAIM_LEASE_MS): that caller sends it, then marks or releases it.
   */
  claimAlert(findingId: string): Promise<boolean>;
  /** Drops the claim on a still pending alert that could not be sent now, so the next retry sends it at once. */
  releaseAlert(findingId: string): Promise<void>;
  /**
   * Moves the alert state from `pending` to `sent` (stamping `alertedAt`), `failed` (with the reason)
   * or `none` (nothing owed after all), only if it is still pending, and drops any claim. Whether this call made the move.
   */
  markAlert(findingId: string, state: Exclude<AlertState, 'pending'>, error?: string): Promise<boolean>;
  /** Makes an open finding owe its alert again, unclaimed (a person's choice). False when it is not open. */
  requeueAlert(findingId: string): Promise<boolean>;
  /** True for exactly one caller when an open finding's alert was sent before `cutoff` (ISO time): it sends the reminder. */
  claimReminder(findingId: string, cutoff: string): Promise<boolean>;
  /** Every open finding, page by page, newest first. */
  openFindings(): AsyncIterable<FindingSummary>;
}

/** What a completed scan of one part of an account lets the store close (`warden scan`, the scheduled reconcile). */
export interface ReconcileRequest {
  readonly account: string;
  /** The rules the scan read the state of, there. */
  readonly ruleIds: readonly string[];
  /** Only findings recorded in this region; undefined: in every region (the rules of a global reader, IAM). */
  readonly region?: string;
  /** Resources the scan could not read: their findings stay as they are. */
  readonly exceptResources?: readonly string[];
  /** When set, only findings on these resources are reconciled (the rule's resources the scan saw). */
  readonly onlyResources?: readonly string[];
  /**
   * When the scan started (ISO time). A finding last seen at or after it stays open: the scan saw it,
   * or an event raised it while the scan ran. Also the finding's `resolvedAt`, so a later event
   * raising the risk again reopens it.
   */
  readonly scanStartedAt: string;
  /** `scan:<start>` in the finding's history. */
  readonly by: string;
  /** "no longer present at <time>". */
  readonly reason: string;
}

/** Closing what a scan no longer sees. */
export interface FindingsReconciler {
  /**
   * Resolves the open and suppressed findings of `ruleIds` in the account (and region) last seen
   * before the scan started, except on `exceptResources` and except failed-attempt findings (an
   * attempt is an incident, not a state a scan can see). Checked again on each finding as it is
   * written, so a finding an event raises meanwhile is never resolved. One change per finding resolved.
   */
  reconcile(request: ReconcileRequest): Promise<FindingChange[]>;
}

/** What an export to Security Hub leaves on a finding: only its failures, so a refused finding is never lost silently. */
export interface ExportLedger {
  /**
   * Records why Security Hub refused the finding (`securityHubError`), or clears an earlier refusal
   * (`undefined`). FindingNotFoundError when there is no finding.
   */
  recordSecurityHubExport(findingId: string, error: string | undefined): Promise<FindingChange>;
}

/** Everything a findings store does. */
export interface FindingsStore extends FindingsWriter, FindingsReader, StatusChanges, AlertLedger, FindingsReconciler, ExportLedger {}

export interface StoreSettings {
  /** Days a resolved finding is kept (its `expiresAt` TTL). Default 90. */
  readonly resolvedTtlDays?: number;
  /** The clock (tests inject one). */
  readonly now?: () => Date;
}

/** A store and how to let it go (the embedded one holds a file lock; the deployed one may own its client). */
export interface OpenedFindingsStore {
  readonly store: FindingsStore;
  /** The files a `reset` removed (the embedded store's, by name), when one was asked for. */
  readonly removed?: readonly string[];
  close(): Promise<void>;
}

/**
 * `storeDir`: the embedded store (`reset`: remove its files first, under its lock); `tableName`: the
 * deployed table, through the standard credential chain.
 */
export type OpenFindingsStoreOptions =
  | (StoreSettings & { readonly storeDir: string; readonly reset?: boolean })
  | (StoreSettings & { readonly tableName: string; readonly region?: string });
