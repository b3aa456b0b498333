/**
 * The decision core: pure. Given the credential report, the time, the settings, the stored rotations
 * and (only for users that may need an action) the facts listed from IAM, it runs every key-audit check
 * of the catalogue over every row for the findings, and asks the rotation planner for the changes to
 * make. No SDK, no environment, no clock.
 */
import type { DetectionMatch } from '../detections/detection.js';
import type { Resolution } from '../detections/engine.js';
import { findingIdOf, type Detected } from '../findings/finding.js';
import { redactSecrets } from '../findings/redact.js';
import type { CredentialReport, CredentialReportRow } from './credential-report.js';
import type { KeyAuditContext, KeyAuditRule } from './key-audit-rule.js';
import { planChanges, plannedActionFor, type ChangePlan, type PlannedAction } from './rotation-planner.js';
import { KEY_RULE_IDS, keyAuditRules } from './rules/catalogue.js';
import { KEY_SLOTS, userStateOf, viewKey, type AuditState, type KeySlot, type KeyView } from './user-view.js';

export interface DecideInput extends AuditState {
  readonly report: CredentialReport;
}

export interface Decision extends ChangePlan {
  readonly findings: Detected[];
  /** Finding ids this audit still sees (every other open finding of a key rule is resolved). */
  readonly seen: ReadonlySet<string>;
}

export const auditEventId = (generatedTime: string): string => `audit:${generatedTime}`;

export const accountOfArn = (arn: string): string => arn.split(':')[4] ?? '';

function contextOf(row: CredentialReportRow, input: DecideInput): KeyAuditContext {
  const user = userStateOf(row, input);
  const activeKeys: KeyView[] = [];
  for (const slot of KEY_SLOTS) {
    const view = viewKey(row, slot, user);
    if (view.key.active) activeKeys.push(view);
  }
  // Several checks ask for the same key's plan (summary and details): planned once per slot.
  const plans: (PlannedAction | undefined)[] = [];
  const planFor = (slot: KeySlot): PlannedAction => (plans[slot] ??= plannedActionFor(row, viewKey(row, slot, user), user));
  return { now: user.now, settings: user.settings, rotation: user.rotation, facts: user.facts, activeKeys, planFor };
}

function findingOf(rule: KeyAuditRule, row: CredentialReportRow, match: DetectionMatch, generatedTime: string): Detected {
  const account = accountOfArn(match.resource);
  return {
    findingId: findingIdOf(rule.id, account, match.resource, match.scope),
    ruleId: rule.id,
    severity: match.severity,
    title: rule.title,
    eventId: auditEventId(generatedTime),
    eventName: 'CredentialReportAudit',
    eventTime: generatedTime,
    account,
    region: 'global',
    actor: 'iam-warden',
    actorType: 'Audit',
    mfaAuthenticated: undefined,
    sourceIp: undefined,
    userAgent: undefined,
    resource: match.resource,
    scope: match.scope,
    summary: match.summary,
    details: redactSecrets({
      user: row.user,
      cis: rule.references.cis?.[0],
      securityHub: rule.references.securityHub?.[0],
      remediation: rule.remediation,
      ...match.details,
    }),
  };
}

/** A user's findings grouped by what they are about: the console, key 1, key 2, then the user as a whole. */
const SCOPE_ORDER = ['console', 'access_key_1', 'access_key_2'];
const scopeRank = (finding: Detected): number => (finding.scope === undefined ? SCOPE_ORDER.length : SCOPE_ORDER.indexOf(finding.scope));

function findingsOfRow(row: CredentialReportRow, input: DecideInput, rules: readonly KeyAuditRule[]): Detected[] {
  const context = contextOf(row, input);
  const findings: Detected[] = [];
  for (const rule of rules) {
    for (const match of rule.evaluate(row, context)) findings.push(findingOf(rule, row, match, input.report.generatedTime));
  }
  return findings.length < 2 ? findings : findings.sort((a, b) => scopeRank(a) - scopeRank(b));
}

/** The findings and changes of one audit; `rules` is the catalogue unless a test hands one check. */
export function decide(input: DecideInput, rules: readonly KeyAuditRule[] = keyAuditRules): Decision {
  const findings = input.report.rows.flatMap((row) => findingsOfRow(row, input, rules));
  return { findings, seen: new Set(findings.map((finding) => finding.findingId)), ...planChanges(input.report.rows, input) };
}

/** An open finding as the findings table lists it (FindingSummary fits). */
export interface OpenFinding {
  readonly id: string;
  readonly ruleId: string;
  readonly resource: string;
}

/**
 * Which open findings the audit no longer sees: those of a key rule, in the audited account, that this
 * audit did not raise (the risk is gone, or the user is). Returned as resolutions addressed by
 * finding id, dated by the report, for FindingsStore.apply / FindingsBatch.add.
 */
export function resolutionsAmong(
  open: readonly OpenFinding[],
  report: Pick<CredentialReport, 'generatedTime'>,
  account: string,
  seen: ReadonlySet<string>,
): Resolution[] {
  return open
    .filter((finding) => KEY_RULE_IDS.includes(finding.ruleId) && accountOfArn(finding.resource) === account && !seen.has(finding.id))
    .map((finding) => ({
      ruleId: finding.ruleId,
      account,
      resource: finding.resource,
      scope: undefined,
      findingId: finding.id,
      reason: `no longer seen by the key audit of the credential report of ${report.generatedTime}`,
      eventId: auditEventId(report.generatedTime),
      eventTime: report.generatedTime,
      actor: 'iam-warden',
    }));
}
