import type { DetectionMatch, RuleDescription } from '../detections/detection.js';
import type { CredentialReportRow } from './credential-report.js';
import type { PlannedAction } from './rotation-planner.js';
import type { RotationState } from './rotation-state.js';
import type { KeySettings } from './settings.js';
import type { KeySlot, KeyView, UserFacts, UserState } from './user-view.js';

/** What a key-audit check may know besides its row: data handed in by the audit, never read by the rule. */
export interface KeyAuditContext extends UserState {
  /** The row's active keys, slot 1 first, against the thresholds (and matched to listed key ids once the user is listed). */
  readonly activeKeys: readonly KeyView[];
  /** The rotation planner's answer for an active key of a non-root user: what iam-warden does (or, in report mode, would do) about it. */
  planFor(slot: KeySlot): PlannedAction;
}

/**
 * A credential-report check: one file per rule id under shared/keys/rules/, listed in its catalogue,
 * written like a CloudTrail detection (shared/detections/detection.ts) so one harness holds both to
 * the same checks.
 */
export interface KeyAuditRule extends RuleDescription {
  /**
   * Pure: no SDK call, no environment, no clock (the time is in the context); never throws on odd
   * rows. One match per risk, `resource` the row's ARN and `scope` the part of the user at risk
   * (`access_key_1`, `access_key_2`, `console`, or none for the user as a whole). The report is a full
   * snapshot, so resolving needs no code: a finding this rule raised before and no longer returns is
   * resolved by the audit.
   */
  evaluate(row: CredentialReportRow, context: KeyAuditContext): readonly DetectionMatch[];
}

/** Example rows beside each check, run by the test harness (never bundled into a Lambda). */
export interface KeyAuditExamples {
  readonly positive: readonly KeyAuditExample[];
  readonly negative: readonly KeyAuditExample[];
  /** Rows on which a finding the check raised on an earlier report is resolved (the check no longer sees it). */
  readonly resolving: readonly KeyAuditResolvingExample[];
}

/** One row audited at `now`; default settings (report mode), no stored rotation, user not listed unless given. */
export interface KeyAuditExampleInput {
  readonly name: string;
  readonly row: CredentialReportRow;
  readonly now: Date;
  readonly settings?: Partial<KeySettings>;
  readonly rotation?: RotationState;
  readonly facts?: UserFacts;
}

export interface KeyAuditExample extends KeyAuditExampleInput {
  /** For positives: what the (first) match must say. */
  readonly expect?: Partial<Pick<DetectionMatch, 'severity' | 'scope'>>;
  /** For positives: how many matches the row raises (default 1). */
  readonly matches?: number;
}

export interface KeyAuditResolvingExample extends KeyAuditExampleInput {
  /** The user's row on an earlier report, audited at the same time and in the same context: its findings are open. */
  readonly was: CredentialReportRow;
  /** The scopes of those findings that `row` resolves. */
  readonly removes: readonly { readonly scope: string | undefined }[];
}
