import { severityRank } from '../detections/detection.js';
import type { Resolution } from '../detections/engine.js';
import type { Detected } from './finding.js';
import { outcomePriority, type Finding, type HistoryEntry, type Occurrence, type Outcome, type Suppression } from './model.js';
import { suppressionFor } from './suppressions.js';

/** How many occurrences a finding keeps inline (newest first); `findings show` reads the rest from their own items. */
export const RECENT_OCCURRENCES = 10;
/** Occurrences a store keeps as their own items per finding (the count goes on; the latest stay inline). */
export const MAX_OCCURRENCE_ITEMS = 500;
/** How many event ids a finding remembers exactly for idempotency; older ones fall under `seenFloor`. */
export const SEEN_EVENT_IDS = 1000;
export const HISTORY_ENTRIES = 50;
export const DEFAULT_RESOLVED_TTL_DAYS = 90;

/** One thing that happened to a finding, in event time order. */
export type FindingEvent = { readonly kind: 'detected'; readonly detected: Detected } | { readonly kind: 'resolved'; readonly resolution: Resolution };

export function eventIdOf(event: FindingEvent): string {
  return event.kind === 'detected' ? event.detected.eventId : event.resolution.eventId;
}

export function eventTimeOf(event: FindingEvent): string {
  return event.kind === 'detected' ? event.detected.eventTime : event.resolution.eventTime;
}

/** A resolution seen before any detection of its finding (events arrive out of order). */
export interface EarlyResolution {
  readonly at: string;
  readonly eventId: string;
  readonly reason: string;
}

/**
 * Everything stored for one finding id. `finding` is undefined while only an early resolution is
 * known. `seen` maps the event ids already applied to their event time; when it overflows, the
 * oldest are dropped and `seenFloor` remembers the newest dropped time: an unknown event at or
 * before the floor is taken as already applied (never counted twice; a very late, very old event
 * may be missed instead).
 */
export interface FindingState {
  readonly version: number;
  readonly seen: Readonly<Record<string, string>>;
  readonly seenFloor?: string;
  readonly finding?: Finding;
  readonly earlyResolution?: EarlyResolution;
  /** TTL of an item holding only an early resolution (most never see their detection). */
  readonly expiresAt?: number;
}

export interface LifecycleContext {
  readonly now: Date;
  /** All suppressions; expired ones are ignored here. */
  readonly suppressions: readonly Suppression[];
  readonly resolvedTtlDays: number;
}

export interface Applied {
  /** Undefined when nothing changed (every event was a duplicate or changed nothing). */
  readonly next: FindingState | undefined;
  readonly outcome: Outcome;
  /** Occurrences that were new, to store as their own items. */
  readonly newOccurrences: readonly Occurrence[];
}

/**
 * Folds events (sorted by event time) into a finding. Pure: the store reads the state, calls this,
 * and writes the result on condition that nobody wrote in between (else it reads and folds again).
 */
export function applyEvents(current: FindingState | undefined, events: readonly FindingEvent[], context: LifecycleContext): Applied {
  let seen: Record<string, string> = { ...(current?.seen ?? {}) };
  let seenFloor = current?.seenFloor;
  let finding: Finding | undefined = current?.finding;
  let early = current?.earlyResolution;
  let outcome: Outcome = 'unchanged';
  const newOccurrences: Occurrence[] = [];
  const note = (what: Outcome): void => {
    if (outcomePriority(what) < outcomePriority(outcome)) outcome = what;
  };

  for (const event of events) {
    const eventId = eventIdOf(event);
    const eventTime = eventTimeOf(event);
    if (seen[eventId] !== undefined || (seenFloor !== undefined && eventTime <= seenFloor)) continue;
    seen[eventId] = eventTime;

    if (event.kind === 'detected') {
      const detected = event.detected;
      const occurrence = occurrenceOf(detected);
      newOccurrences.push(occurrence);
      if (finding === undefined) {
        const { finding: created, outcome: what } = firstDetection(detected, occurrence, early, context);
        finding = created;
        early = undefined;
        note(what);
        continue;
      }
      const { finding: updated, outcome: what } = laterDetection(finding, detected, occurrence, context);
      finding = updated;
      note(what);
      continue;
    }

    const resolution = event.resolution;
    if (finding === undefined) {
      if (early === undefined || early.at < resolution.eventTime) {
        early = { at: resolution.eventTime, eventId: resolution.eventId, reason: resolution.reason };
      }
      note('updated');
      continue;
    }
    // An older event replayed out of order never resolves a finding seen after it (ties: resolved).
    if (finding.status === 'resolved' || resolution.eventTime < finding.lastSeen) continue;
    finding = {
      ...finding,
      status: 'resolved',
      statusChangedAt: resolution.eventTime,
      resolvedAt: resolution.eventTime,
      suppressionId: undefined,
      expiresAt: expiryOf(context),
      history: appendHistory(finding.history, { at: resolution.eventTime, status: 'resolved', reason: resolution.reason, by: `event:${resolution.eventId}` }),
    };
    note('resolved');
  }

  if (outcome === 'unchanged' && newOccurrences.length === 0) return { next: undefined, outcome, newOccurrences };
  ({ seen, seenFloor } = trimSeen(seen, seenFloor));
  const next: FindingState = {
    version: (current?.version ?? 0) + 1,
    seen,
    ...(seenFloor === undefined ? {} : { seenFloor }),
    ...(finding === undefined ? {} : { finding: withoutUndefined(finding) }),
    ...(early === undefined ? {} : { earlyResolution: early }),
    ...(finding === undefined && early !== undefined ? { expiresAt: expiryOf(context) } : {}),
  };
  return { next, outcome, newOccurrences };
}

function firstDetection(
  detected: Detected,
  occurrence: Occurrence,
  early: EarlyResolution | undefined,
  context: LifecycleContext,
): { finding: Finding; outcome: Outcome } {
  const base = {
    id: detected.findingId,
    ruleId: detected.ruleId,
    severity: detected.severity,
    title: detected.title,
    account: detected.account,
    region: detected.region,
    resource: detected.resource,
    ...(detected.scope === undefined ? {} : { scope: detected.scope }),
    summary: detected.summary,
    details: detected.details,
    firstSeen: detected.eventTime,
    lastSeen: detected.eventTime,
    count: 1,
    recentOccurrences: [occurrence],
  };
  const opened: HistoryEntry = { at: detected.eventTime, status: 'open', reason: detected.summary, by: `event:${detected.eventId}` };
  if (early !== undefined && early.at >= detected.eventTime) {
    // The risk was already removed by a later event that arrived first.
    const resolved: HistoryEntry = { at: early.at, status: 'resolved', reason: early.reason, by: `event:${early.eventId}` };
    return {
      finding: {
        ...base,
        status: 'resolved',
        statusChangedAt: early.at,
        resolvedAt: early.at,
        history: [opened, resolved],
        alertState: 'none',
        expiresAt: expiryOf(context),
      },
      outcome: 'resolved',
    };
  }
  const suppression = suppressionFor(detected, context.suppressions, context.now);
  if (suppression !== undefined) {
    return {
      finding: {
        ...base,
        status: 'suppressed',
        statusChangedAt: detected.eventTime,
        suppressionId: suppression.id,
        alertState: 'none',
        history: [suppressedEntry(detected, suppression)],
      },
      outcome: 'suppressed',
    };
  }
  return { finding: { ...base, status: 'open', statusChangedAt: detected.eventTime, history: [opened], alertState: 'pending' }, outcome: 'opened' };
}

function laterDetection(finding: Finding, detected: Detected, occurrence: Occurrence, context: LifecycleContext): { finding: Finding; outcome: Outcome } {
  const isLatest = detected.eventTime >= finding.lastSeen;
  let next: Finding = {
    ...finding,
    count: finding.count + 1,
    // biome-ignore lint/complexity/useMathMinMax: ISO times are strings, compared as strings (Math.min would turn them into NaN).
    firstSeen: detected.eventTime < finding.firstSeen ? detected.eventTime : finding.firstSeen,
    lastSeen: isLatest ? detected.eventTime : finding.lastSeen,
    recentOccurrences: [...finding.recentOccurrences, occurrence]
      .sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0))
      .slice(0, RECENT_OCCURRENCES),
    ...(isLatest ? { severity: detected.severity, title: detected.title, summary: detected.summary, details: detected.details, region: detected.region } : {}),
  };
  const comesBack =
    (finding.status === 'resolved' && finding.resolvedAt !== undefined && detected.eventTime > finding.resolvedAt) ||
    (finding.status === 'suppressed' && suppressionFor(detected, context.suppressions, context.now) === undefined);
  if (!comesBack) {
    // A finding that owed no alert (below the threshold when it opened) owes one again when a newer
    // event raises its severity: the alerter decides whether the new severity reaches the threshold.
    const risen = isLatest && next.status === 'open' && finding.alertState === 'none' && severityRank(detected.severity) > severityRank(finding.severity);
    return { finding: risen ? { ...next, alertState: 'pending' } : next, outcome: 'updated' };
  }

  const suppression = suppressionFor(detected, context.suppressions, context.now);
  if (suppression !== undefined) {
    next = {
      ...next,
      status: 'suppressed',
      statusChangedAt: detected.eventTime,
      suppressionId: suppression.id,
      expiresAt: undefined,
      history: appendHistory(next.history, suppressedEntry(detected, suppression)),
    };
    return { finding: next, outcome: finding.status === 'suppressed' ? 'updated' : 'suppressed' };
  }
  const reason = finding.status === 'resolved' ? `risk came back: ${detected.summary}` : `no suppression applies any more: ${detected.summary}`;
  next = {
    ...next,
    status: 'open',
    statusChangedAt: detected.eventTime,
    suppressionId: undefined,
    expiresAt: undefined,
    alertState: 'pending',
    alertError: undefined,
    history: appendHistory(next.history, { at: detected.eventTime, status: 'open', reason, by: `event:${detected.eventId}` }),
  };
  return { finding: next, outcome: 'reopened' };
}

function suppressedEntry(detected: Detected, suppression: Suppression): HistoryEntry {
  return { at: detected.eventTime, status: 'suppressed', reason: suppression.reason, by: `suppression:${suppression.id}` };
}

export function occurrenceOf(detected: Detected): Occurrence {
  return withoutUndefined({
    eventId: detected.eventId,
    eventName: detected.eventName,
    eventTime: detected.eventTime,
    region: detected.region,
    actor: detected.actor,
    actorType: detected.actorType,
    mfaAuthenticated: detected.mfaAuthenticated,
    sourceIp: detected.sourceIp,
    userAgent: detected.userAgent,
  });
}

export function appendHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [...history, entry].slice(-HISTORY_ENTRIES);
}

export function expiryOf(context: Pick<LifecycleContext, 'now' | 'resolvedTtlDays'>): number {
  return Math.floor(context.now.getTime() / 1000) + Math.round(context.resolvedTtlDays * 86_400);
}

function trimSeen(seen: Record<string, string>, seenFloor: string | undefined): { seen: Record<string, string>; seenFloor: string | undefined } {
  const entries = Object.entries(seen);
  if (entries.length <= SEEN_EVENT_IDS) return { seen, seenFloor };
  entries.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const dropped = entries.slice(0, entries.length - SEEN_EVENT_IDS);
  const floor = dropped[dropped.length - 1]?.[1];
  return {
    seen: Object.fromEntries(entries.slice(dropped.length)),
    seenFloor: floor !== undefined && (seenFloor === undefined || floor > seenFloor) ? floor : seenFloor,
  };
}

/** Stores keep no undefined values (DynamoDB rejects them): drop them, deeply, for details too. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) copy[key] = withoutUndefined(item);
  return copy as T;
}
