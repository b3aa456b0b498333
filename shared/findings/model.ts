import type { Severity } from '../detections/detection.js';

export const FINDING_STATUSES = ['open', 'resolved', 'suppressed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export function isFindingStatus(value: unknown): value is FindingStatus {
  return typeof value === 'string' && (FINDING_STATUSES as readonly string[]).includes(value);
}

/**
 * Whether the finding still owes an alert. `pending` is set when a finding opens or reopens (and is
 * not suppressed); the alerter moves it to `sent` (or `failed`, with a reason) conditionally.
 */
export const ALERT_STATES = ['pending', 'sent', 'failed', 'none'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One event that raised the finding: who, when, from where. */
export interface Occurrence {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly region: string;
  readonly actor: string;
  readonly actorType: string;
  readonly mfaAuthenticated?: boolean;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** One change of status: when, to what, why, and by whom (`event:<eventID>`, `cli:<user>`, `suppression:<id>`). */
export interface HistoryEntry {
  readonly at: string;
  readonly status: FindingStatus;
  readonly reason: string;
  readonly by: string;
}

/** A finding as users and the alerter see it. */
export interface Finding {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly account: string;
  readonly region: string;
  readonly resource: string;
  readonly scope?: string;
  /** From the latest detection. */
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly status: FindingStatus;
  readonly statusChangedAt: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  /** The latest few occurrences, newest first. */
  readonly recentOccurrences: readonly Occurrence[];
  readonly history: readonly HistoryEntry[];
  readonly alertState: AlertState;
  readonly alertError?: string;
  /** When the latest alert or reminder about it was sent. */
  readonly alertedAt?: string;
  /** While `pending`: when a delivery claimed the alert (store.ts, `claimAlert`); cleared when the alert state moves. */
  readonly alertClaimedAt?: string;
  /** When the risk was last removed (the resolving event's time, or the time a person resolved it). */
  readonly resolvedAt?: string;
  /** The suppression that mutes it, while suppressed. */
  readonly suppressionId?: string;
  /** Why Security Hub refused its latest export, after retries; cleared when an export succeeds (shared/export/). */
  readonly securityHubError?: string;
  /** TTL (epoch seconds): only on resolved findings. */
  readonly expiresAt?: number;
}

/** What one write did to one finding. */
export const OUTCOMES = ['opened', 'reopened', 'resolved', 'suppressed', 'updated', 'unchanged'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Lower wins when a batch does several things to one finding (opened then updated is "opened"). */
export function outcomePriority(outcome: Outcome): number {
  return OUTCOMES.indexOf(outcome);
}

/** A suppression: mutes a rule for one finding, a resource pattern or an actor pattern. */
export interface Suppression {
  readonly id: string;
  readonly ruleId?: string;
  readonly findingId?: string;
  readonly resourcePattern?: string;
  readonly actorPattern?: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: string;
  /** ISO time after which it no longer applies. */
  readonly until?: string;
}
