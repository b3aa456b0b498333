import { describeBytes, exceedsBytes, MAX_RECORD_BYTES } from '../cloudtrail/limits.js';
import { accountOf, regionOf } from '../cloudtrail/record.js';
import { readCloudTrail, type ReadInput, type ReadProblem, type RecordOrigin } from '../cloudtrail/read.js';
import { isInWindow, type TrailWindow } from '../cloudtrail/window.js';
import type { DetectionEngine, RuleFailure } from '../detections/engine.js';
import type { Detected } from '../findings/finding.js';
import { OUTCOMES, type Outcome } from '../findings/model.js';
import type { FindingChange, FindingsStore } from '../findings/store.js';
import { PolicyVersionMemory } from '../policy/policy-versions.js';

/** Detections and resolutions held before the findings table is written (bounds memory on long replays). */
const FLUSH_EVERY = 2_000;

export interface ReplayOptions {
  /** Paths, `-`, remote files (S3 objects), or a stream of them (an S3 listing). */
  readonly inputs: Iterable<ReadInput> | AsyncIterable<ReadInput>;
  readonly stdin?: NodeJS.ReadableStream;
  /** Remote files downloaded ahead, concurrently (readCloudTrail's `loadAhead`). */
  readonly loadAhead?: number;
  /** Only the records of this span of time are evaluated; the others are counted in `outside`. */
  readonly window?: TrailWindow;
  /** Only the records of these accounts (`recipientAccountId`)... */
  readonly accounts?: ReadonlySet<string>;
  /** ...and regions (`awsRegion`). */
  readonly regions?: ReadonlySet<string>;
  readonly engine: DetectionEngine;
  /** Where findings are recorded; without one, detections are only reported. */
  readonly store?: FindingsStore;
  onDetected?(detected: Detected, origin: RecordOrigin): void;
  onProblem?(problem: ReadProblem): void;
  onRuleFailure?(failure: RuleFailure, origin: RecordOrigin): void;
  onFindingsWritten?(changes: readonly FindingChange[]): void | Promise<void>;
  onProgress?(progress: ReplayProgress): void;
}

export interface ReplayProgress {
  readonly records: number;
  readonly files: number;
}

export interface ReplayStats extends ReplayProgress {
  /** Records read but outside the window, accounts or regions asked for (not in `records`). */
  readonly outside: number;
  /** Problems reported: input skipped, from a path that does not exist to one record over its cap. */
  readonly skipped: number;
  /** Of those, the paths named in `inputs` that do not exist. */
  readonly missing: number;
  readonly detections: number;
  readonly resolutions: number;
  readonly ruleFailures: number;
  /** What the replay did to the findings table, per outcome. */
  readonly outcomes: Readonly<Record<Outcome, number>>;
}

/**
 * Replays CloudTrail input through the detection engine into the findings table. Streaming: records
 * are read one at a time and the table is written every FLUSH_EVERY detections, once per finding.
 */
export async function replay(options: ReplayOptions): Promise<ReplayStats> {
  const { engine, store } = options;
  const outcomes = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  let records = 0;
  let outside = 0;
  let files = 0;
  let skipped = 0;
  let missing = 0;
  let detections = 0;
  let resolutions = 0;
  let ruleFailures = 0;
  let pending = 0;
  const batch = store?.batch();
  // What the replay saw earlier completes later events: the document of a policy version that a
  // SetDefaultPolicyVersion makes the default (the replay reads no account, so nothing else).
  const policyVersions = new PolicyVersionMemory();

  // One write in flight at a time, in the background: reading goes on while the table is written
  // (by the embedded DynamoDB's own thread, or over the network). A failed write surfaces at the
  // next flush or at the end, never as an unhandled rejection.
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const settle = async (): Promise<void> => {
    await writing;
    if (writeError !== undefined) throw writeError;
  };
  const flush = async (): Promise<void> => {
    await settle();
    if (batch === undefined || pending === 0) return;
    pending = 0;
    writing = (async () => {
      const outcome = await batch.flush();
      for (const name of OUTCOMES) outcomes[name] += outcome.counts[name];
      await options.onFindingsWritten?.(outcome.changes);
    })().catch((error: unknown) => {
      writeError = error;
    });
  };

  const { window, accounts, regions } = options;
  const reader = readCloudTrail(options.inputs, {
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.loadAhead === undefined ? {} : { loadAhead: options.loadAhead }),
    onProblem(problem) {
      skipped += 1;
      if (problem.notFound === true) missing += 1;
      options.onProblem?.(problem);
    },
    onFileDone() {
      files += 1;
      options.onProgress?.({ records, files });
    },
  });

  for await (const { record, origin } of reader) {
    if (
      (window !== undefined && !isInWindow(record.eventTime, window)) ||
      (accounts !== undefined && !accounts.has(accountOf(record))) ||
      (regions !== undefined && !regions.has(regionOf(record)))
    ) {
      outside += 1;
      // A policy version written before the window still completes a SetDefaultPolicyVersion inside it.
      if (window?.since !== undefined && Date.parse(record.eventTime) < window.since.getTime()) policyVersions.enrich(record);
      continue;
    }
    // Only a record some detection reads is measured: the others cost nothing past their line's cap.
    const listened = engine.listensTo(record.eventSource, record.eventName);
    if (listened && exceedsBytes(record, MAX_RECORD_BYTES)) {
      skipped += 1;
      options.onProblem?.({ ...origin, reason: `larger than ${describeBytes(MAX_RECORD_BYTES)}, the most one record may hold` });
      continue;
    }
    records += 1;
    // Every record teaches the memory (a policy version written), but only one a rule listens to is
    // evaluated: for the others the engine would repeat the lookup just made, to find nothing.
    const enriched = policyVersions.enrich(record);
    if (!listened) continue;
    const evaluation = engine.evaluate(enriched);
    for (const failure of evaluation.failures) {
      ruleFailures += 1;
      options.onRuleFailure?.(failure, origin);
    }
    if (evaluation.detected.length === 0 && evaluation.resolutions.length === 0) continue;
    detections += evaluation.detected.length;
    resolutions += evaluation.resolutions.length;
    for (const detected of evaluation.detected) options.onDetected?.(detected, origin);
    if (batch !== undefined) {
      batch.add(evaluation);
      pending += evaluation.detected.length + evaluation.resolutions.length;
      if (pending >= FLUSH_EVERY) await flush();
    }
  }
  await flush();
  await settle();
  return { records, outside, files, skipped, missing, detections, resolutions, ruleFailures, outcomes };
}
