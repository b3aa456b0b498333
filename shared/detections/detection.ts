import type { CloudTrailRecord } from '../cloudtrail/record.js';
import type { TrustBoundary } from '../policy/boundary.js';

/** Lowest to highest; the order is used by --fail-on and --min-severity. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The CloudTrail events a detection listens to: data, so the EventBridge pattern can be derived. */
export interface EventSelector {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  /**
   * The names are read-only events (Get*, List*, Describe*...): EventBridge delivers them only to a
   * rule in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, so the deploy gives them their own,
   * narrow rule.
   */
  readonly readOnly?: boolean;
}

/** What a detection may know besides the record: data handed in by the caller, never read by the rule. */
export interface DetectionContext {
  /** Accounts and organizations whose access is not "outside the account". */
  readonly boundary: TrustBoundary;
}

/**
 * What a detection found in one event. `resource` and `scope` identify the risk: together with the
 * rule id and account they make the finding's fingerprint, so a second event with the same risk
 * updates the same finding.
 */
export interface DetectionMatch {
  readonly severity: Severity;
  /** The thing at risk, as an ARN where one exists. */
  readonly resource: string;
  /** Which part of the resource is at risk when one resource can carry several (a bucket's ACL vs its policy). */
  readonly scope?: string;
  /** One plain sentence a person can act on. */
  readonly summary: string;
  /** The evidence: which statement, which grantee, whose device. Never a secret. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** A risk that an event removed: the bucket policy deleted, the MFA device re-enabled... */
export interface RiskRemoval {
  readonly resource: string;
  /** Undefined removes every scope of the resource. */
  readonly scope?: string;
  /** Why, in plain words ("bucket policy deleted"). */
  readonly reason: string;
}

export interface References {
  readonly cis?: readonly string[];
  readonly securityHub?: readonly string[];
  readonly mitreAttack?: readonly string[];
  readonly links?: readonly string[];
}

/** What any rule that raises findings tells people: event detections and key-audit checks alike. */
export interface RuleDescription {
  /** A public contract users filter alerts on (for a detection, equal to its file name). */
  readonly id: string;
  readonly title: string;
  /** The highest severity the rule raises. */
  readonly severity: Severity;
  /** What a finding means and why it matters. */
  readonly description: string;
  /** How to fix it: commands or console steps. */
  readonly remediation: string;
  readonly references: References;
}

/** "CIS 1.4", "Security Hub IAM.4", "MITRE ATT&CK T1098.001": how references are shown everywhere. */
export function referenceLabels(references: References): string[] {
  return [
    ...(references.cis ?? []).map((id) => `CIS ${id}`),
    ...(references.securityHub ?? []).map((id) => `Security Hub ${id}`),
    ...(references.mitreAttack ?? []).map((id) => `MITRE ATT&CK ${id}`),
  ];
}

export interface Detection extends RuleDescription {
  /**
   * Whether one resource can carry several findings of this rule, told apart by `scope` (a bucket's
   * policy and its ACL). For a rule without scopes, a removal naming only the resource is exact.
   */
  readonly scoped: boolean;
  /** Every event the detection needs: those that raise it and those that resolve it. */
  readonly events: readonly EventSelector[];
  /**
   * Event names whose failed attempt is itself the signal (leaving the organization, stopping
   * CloudTrail): the engine runs `evaluate` on such a failed call too and raises the match one
   * severity lower, worded as an attempt that failed. Every other failed call changed nothing and
   * is never evaluated.
   */
  readonly failedAttemptsMatter?: readonly string[];
  /**
   * Pure: no SDK call, no environment, no clock; never throws on odd input. Sees successful calls,
   * and the failed ones named in `failedAttemptsMatter`. Returns several matches when one event
   * creates several risks (a snapshot shared with two outside accounts: one finding each).
   */
  evaluate(record: CloudTrailRecord, context: DetectionContext): DetectionMatch | readonly DetectionMatch[] | undefined;
  /** Pure, like evaluate: the risks this (successful) event removed. */
  resolves?(record: CloudTrailRecord, context: DetectionContext): readonly RiskRemoval[];
}

/** Example events beside each detection, run by the test harness (never bundled into a Lambda). */
export interface DetectionExamples {
  readonly positive: readonly ExampleEvent[];
  readonly negative: readonly ExampleEvent[];
  /** Events that resolve a risk this detection raises, with what they resolve. */
  readonly resolving?: readonly ResolvingExample[];
}

export interface ExampleEvent {
  readonly name: string;
  readonly record: CloudTrailRecord;
  /** The context the example runs in; EXAMPLE_CONTEXT (one trusted partner account) when absent. */
  readonly context?: DetectionContext;
  /** For positives: what the (first) match must say. */
  readonly expect?: Partial<Pick<DetectionMatch, 'severity' | 'resource' | 'scope'>>;
  /** For positives: how many matches the event raises (default 1). */
  readonly matches?: number;
}

export interface ResolvingExample {
  readonly name: string;
  readonly record: CloudTrailRecord;
  readonly context?: DetectionContext;
  readonly removes: readonly Pick<RiskRemoval, 'resource' | 'scope'>[];
}

/** What `evaluate` returned, as a list (none, one or several matches). */
export function matchesOf(result: DetectionMatch | readonly DetectionMatch[] | undefined): readonly DetectionMatch[] {
  return result === undefined ? [] : Array.isArray(result) ? result : [result as DetectionMatch];
}

export function eventNamesOf(detection: Detection): string[] {
  return detection.events.flatMap((selector) => [...selector.eventNames]);
}
