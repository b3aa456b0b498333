import type { CloudTrailRecord } from '../cloudtrail/record.js';
import { catalogue as fullCatalogue } from '../detections/catalogue.js';
import type { Detection, DetectionContext } from '../detections/detection.js';
import { DetectionEngine } from '../detections/engine.js';
import type { Detected } from '../findings/finding.js';
import type { FieldLogger } from '../logging/logger.js';
import { mapBounded } from './concurrency.js';
import { awsErrorCode } from './read-resource.js';
import type { Coverage, EquivalentChange, ScanProblem, ScanReport, ScanRequest, StateReader, UnreadResource } from './reader.js';

/** What the scan run needs besides the request: the rules' context, the clock, where to report. */
export interface ScanRun {
  /** The trusted boundary, as the event detections get it. */
  readonly context: DetectionContext;
  readonly logger: FieldLogger;
  readonly now?: () => Date;
  /** Resources read so far, by kind (`roles`: 120), after each read reports some: for a progress line. */
  readonly onProgress?: (counts: Readonly<Record<string, number>>) => void;
  /** The detections to run (tests narrow it); default the whole catalogue. */
  readonly catalogue?: readonly Detection[];
}

/** Per reader and region: calls in flight at once. */
const DEFAULT_CONCURRENCY = 8;
/** Reads (reader x region) in flight at once. */
const DEFAULT_PARALLEL_READS = 4;

/**
 * Scans an account: runs every reader (a global one once, a regional one in each region), turns what
 * it saw into the equivalent CloudTrail calls, and runs the reader's rules over them. A read that
 * fails is reported in `problems` and leaves its part out of `coverage`, so nothing it would have
 * covered is reconciled; the other reads go on. Never throws for an AWS answer.
 */
export async function scanAccount(request: ScanRequest, run: ScanRun): Promise<ScanReport> {
  const now = run.now ?? (() => new Date());
  const startedAt = cloudTrailTime(now());
  const detected = new Map<string, Detected>();
  const coverage: Coverage[] = [];
  const problems: ScanProblem[] = [];
  const unread: ScanReport['unread'][number][] = [];
  const counts: Record<string, number> = {};
  const rules = run.catalogue ?? fullCatalogue;

  const reads = request.readers.flatMap((reader) =>
    reader.reach === 'global' ? [{ reader, region: request.globalRegion }] : request.regions.map((region) => ({ reader, region })),
  );
  // A region that does not answer at all fails every reader the same way, each after the SDK's retries:
  // once it is known, the region's other reads are reported, not tried. A region not enabled for the
  // account is known from one refusal; silence (no answer, or failing after every retry) may be one
  // service's trouble or a missing endpoint, so it takes two readers to condemn the region.
  const unreachable = new Map<string, ScanProblem>();
  const silentReaders = new Map<string, Set<string>>();
  await mapBounded(reads, request.parallelReads ?? DEFAULT_PARALLEL_READS, async ({ reader, region }) => {
    const down = reader.reach === 'regional' ? unreachable.get(region) : undefined;
    if (down !== undefined) {
      problems.push({ reader: reader.id, region, code: down.code, message: `not read: ${region} did not answer the ${down.reader} read (${down.message})` });
      return;
    }
    const outcome = await readOne(reader, region, request, run, rules, now, startedAt, (kind, count) => {
      counts[kind] = (counts[kind] ?? 0) + count;
      run.onProgress?.(counts);
    });
    for (const item of outcome.detected) if (!detected.has(item.findingId)) detected.set(item.findingId, item);
    unread.push(...outcome.unread.map((resource) => ({ ...resource, reader: reader.id, region })));
    if (outcome.problem !== undefined) {
      problems.push(outcome.problem);
      if (reader.reach === 'regional' && outcome.regionSign !== undefined) {
        const silent = silentReaders.get(region) ?? new Set<string>();
        if (outcome.regionSign === 'silent') silentReaders.set(region, silent.add(reader.id));
        if (outcome.regionSign === 'disabled' || silent.size >= SILENT_READERS_CONDEMNING_A_REGION) unreachable.set(region, outcome.problem);
      }
      run.logger.warn({ reader: reader.id, region, code: outcome.problem.code, error: outcome.problem.message }, 'scan read failed');
      return;
    }
    coverage.push(...coverageOf(reader, reader.reach === 'global' ? undefined : region, outcome.unread, outcome.seen));
  });

  return { account: request.account, startedAt, finishedAt: cloudTrailTime(now()), detected: [...detected.values()], coverage, problems, unread, counts };
}

/**
 * What a completed read covers: each of its rules except on the resources left unread for that rule
 * (an unread resource without `ruleIds` is unread for all of them). Rules with the same exceptions
 * share one part.
 */
function coverageOf(reader: StateReader, region: string | undefined, unread: readonly UnreadResource[], seen: readonly string[]): Coverage[] {
  const parts = new Map<string, { ruleIds: string[]; exceptResources: string[]; onlyResources?: readonly string[] }>();
  for (const ruleId of reader.ruleIds) {
    const exceptResources = [...new Set(unread.filter((item) => item.ruleIds === undefined || item.ruleIds.includes(ruleId)).map((item) => item.resource))];
    const onlySeen = reader.reconcilesOnlySeen?.includes(ruleId) === true;
    const key = JSON.stringify([exceptResources, onlySeen]);
    const part = parts.get(key) ?? { ruleIds: [], exceptResources, ...(onlySeen ? { onlyResources: seen } : {}) };
    part.ruleIds.push(ruleId);
    parts.set(key, part);
  }
  return [...parts.values()].map((part) => ({ reader: reader.id, region, ...part }));
}

interface ReadOutcome {
  readonly detected: readonly Detected[];
  readonly unread: readonly UnreadResource[];
  /** Resources the read said it saw (`sink.saw`). */
  readonly seen: readonly string[];
  readonly problem?: ScanProblem;
  /** What the failure may say about the whole region (regionSignOf). */
  readonly regionSign?: RegionSign;
}

/** One reader in one region: what it saw, judged by its own rules. */
async function readOne(
  reader: StateReader,
  region: string,
  request: ScanRequest,
  run: ScanRun,
  rules: readonly Detection[],
  now: () => Date,
  startedAt: string,
  progress: (kind: string, count: number) => void,
): Promise<ReadOutcome> {
  const engine = new DetectionEngine(
    rules.filter((rule) => reader.ruleIds.includes(rule.id)),
    run.context,
  );
  const identity = scanIdentity(request.partition, request.account);
  const detected: Detected[] = [];
  const unread: UnreadResource[] = [];
  const seen: string[] = [];
  let ruleFailure: ScanProblem | undefined;
  const sink = {
    observe(change: EquivalentChange): void {
      const observedAt = cloudTrailTime(now());
      const record = equivalentRecord(change, identity, request.account, change.awsRegion ?? region, observedAt);
      const evaluation = engine.evaluate(record);
      for (const failure of evaluation.failures) {
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        ruleFailure ??= { reader: reader.id, region, code: 'RuleFailed', message: `rule ${failure.ruleId} failed on ${change.eventName}: ${message}` };
      }
      for (const item of evaluation.detected) detected.push(asScanned(item, identity.arn, request, startedAt, observedAt));
    },
    unread(resource: UnreadResource): void {
      unread.push(resource);
    },
    saw(resource: string): void {
      seen.push(resource);
    },
    progress,
  };
  try {
    await reader.read(
      {
        account: request.account,
        partition: request.partition,
        region,
        clientConfig: { ...request.clientConfig, region },
        concurrency: request.concurrency ?? DEFAULT_CONCURRENCY,
        logger: run.logger,
      },
      sink,
    );
  } catch (error) {
    return {
      detected,
      unread,
      seen,
      problem: { reader: reader.id, region, code: awsErrorCode(error), message: error instanceof Error ? error.message : String(error) },
      regionSign: regionSignOf(error),
    };
  }
  // A rule that failed on a state leaves a risk unjudged: nothing of this read may be reconciled.
  return ruleFailure === undefined ? { detected, unread, seen } : { detected, unread, seen, problem: ruleFailure };
}

/** The caller the equivalent records carry: in the account's partition (rules build ARNs from it), and recognisable in summaries. */
function scanIdentity(partition: string, account: string): { type: string; arn: string; accountId: string } {
  return { type: 'IAMWardenScan', arn: `arn:${partition}:iam::${account}:iam-warden-scan`, accountId: account };
}

function equivalentRecord(
  change: EquivalentChange,
  userIdentity: { type: string; arn: string; accountId: string },
  account: string,
  region: string,
  eventTime: string,
): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    eventID: 'scan',
    eventSource: change.eventSource,
    eventName: change.eventName,
    eventTime,
    eventType: 'AwsApiCall',
    awsRegion: region,
    recipientAccountId: account,
    userIdentity,
    requestParameters: change.requestParameters ?? null,
    responseElements: change.responseElements ?? null,
  };
}

/**
 * A detection of the scan: the rule's resource, scope, severity and evidence unchanged (so the same
 * finding id as the event's), told apart by the occurrence (event `Scan`, the scanning principal) and
 * by its summary, which says who and when are unknown.
 */
function asScanned(detected: Detected, scanArn: string, request: ScanRequest, startedAt: string, observedAt: string): Detected {
  const summary = detected.summary.startsWith(`${scanArn} `)
    ? `Someone ${detected.summary.slice(scanArn.length + 1)}`
    : detected.summary.replaceAll(scanArn, 'someone');
  return {
    ...detected,
    eventId: `scan:${startedAt}:${detected.findingId}`,
    eventName: 'Scan',
    eventTime: observedAt,
    actor: request.caller,
    actorType: 'Scan',
    mfaAuthenticated: undefined,
    sourceIp: undefined,
    userAgent: SCAN_USER_AGENT,
    summary: `${summary} (Found by a scan at ${observedAt}: who made the change, and when, is not known.)`,
  };
}

const SCAN_USER_AGENT = 'iam-warden scan';

/** Silent readers of one region that condemn it: one may be a service's own trouble, two are the region. */
const SILENT_READERS_CONDEMNING_A_REGION = 2;

/** Refusals that mean the region is not enabled for the account: every service in it answers the same. */
const REGION_DISABLED_CODES: ReadonlySet<string> = new Set(['OptInRequired', 'UnrecognizedClientException', 'InvalidClientTokenId', 'AuthFailure']);
/** No answer: no endpoint, nobody listening, no reply in time. */
const NO_ANSWER_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'TimeoutError']);

/** `disabled`: the region is not enabled for the account. `silent`: no answer, or a server error after every retry. */
type RegionSign = 'disabled' | 'silent';

function regionSignOf(error: unknown): RegionSign | undefined {
  const name = awsErrorCode(error);
  const code = (error as { code?: unknown } | null)?.code;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (REGION_DISABLED_CODES.has(name)) return 'disabled';
  if (NO_ANSWER_CODES.has(name) || (typeof code === 'string' && NO_ANSWER_CODES.has(code)) || (status !== undefined && status >= 500)) return 'silent';
  return undefined;
}

/** CloudTrail's time format (whole seconds, `Z`), floored: the scan's times compare with events' as strings. */
export function cloudTrailTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
