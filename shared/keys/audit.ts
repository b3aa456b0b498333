/**
 * The key audit, end to end: read the credential report, decide, list facts only for users that may
 * need a change (most urgent first, no more than the cap needs), act, and decide once more with the
 * rotation states this run changed, so findings describe rotations as they now stand. Keys themselves
 * are judged as the report saw them: a key switched off in this run drops out of the findings with
 * the next report. functions/audit-access-keys.ts and `warden keys` call it.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Resolution } from '../detections/engine.js';
import type { Detected } from '../findings/finding.js';
import { KeyActor, listUserFacts, type ActionOutcome, type RotationNotice } from './act.js';
import { readCredentialReport, type CredentialReport } from './credential-report.js';
import { accountOfArn, auditEventId, decide, resolutionsAmong, type OpenFinding } from './decide.js';
import { silentLogger, type FieldLogger as Logger } from '../logging/logger.js';
import { isRotationInProgress, type RotationState, type RotationStateStore } from './rotation-state.js';
import { changesIam, type KeyAction } from './rotation-planner.js';
import type { KeySettings } from './settings.js';
import type { UserFacts } from './user-view.js';

export interface KeyAuditOptions {
  readonly iam: IAMClient;
  readonly secretsManager: SecretsManagerClient;
  readonly rotationStates: RotationStateStore;
  readonly settings: KeySettings;
  readonly now: () => Date;
  readonly logger?: Logger;
  /** For the report polling; defaults to a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A report already read (the CLI's offline mode); otherwise it is read from the account. */
  readonly report?: CredentialReport;
}

export interface AuditResult {
  readonly generatedTime: string;
  readonly eventId: string;
  /** Empty when the report holds no row. */
  readonly account: string;
  readonly users: number;
  /** For the findings table and alerts, as they stand after this run's changes. */
  readonly findings: Detected[];
  /** Finding ids this audit still sees. */
  readonly seen: ReadonlySet<string>;
  /**
   * Of the open findings given (e.g. the table's open findings of KEY_RULE_IDS), those the audit no
   * longer sees, as resolutions: store.apply({ detected: findings, resolutions: resolutions(open) }).
   */
  resolutions(open: readonly OpenFinding[]): Resolution[];
  /** Changes attempted in this run and how each went (empty in report mode). */
  readonly outcomes: ActionOutcome[];
  /** Changes due but left for a later run by the cap. */
  readonly deferred: KeyAction[];
  readonly capHit: boolean;
  /** Users not acted on and why. */
  readonly skipped: { readonly user: string; readonly reason: string }[];
  /** New keys delivered in this run: tell their owners. */
  readonly notices: RotationNotice[];
  /** Users listed (ListAccessKeys + ListUserTags + ListGroupsForUser). */
  readonly usersListed: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const byUser = (states: readonly RotationState[]): Map<string, RotationState> => new Map(states.map((state) => [state.user, state]));

export async function runKeyAudit(options: KeyAuditOptions): Promise<AuditResult> {
  const { iam, secretsManager, rotationStates, settings } = options;
  const logger = options.logger ?? silentLogger;
  const report = options.report ?? (await readCredentialReport({ iam, sleep: options.sleep ?? realSleep, now: options.now, logger }));
  const now = options.now();
  // Listed in every mode (one Query), so findings show rotations in progress even in a dry run.
  let rotations = byUser(await rotationStates.list());
  const facts = new Map<string, UserFacts>();

  // List facts in small batches, most urgent first, until the cap is filled or nobody is left.
  // Users met that need no change (exempt, unmatched key) cost reads too: bound them.
  const listingBudget = Math.max(50, settings.maxActionsPerRun * 5);
  let listedOthers = 0;
  let decision = decide({ report, now, settings, rotations, facts });
  while (decision.needFacts.length > 0) {
    const changes = decision.actions.filter(changesIam).length;
    const room = Math.min(settings.maxActionsPerRun - changes, listingBudget - listedOthers);
    const inProgress = (user: string): boolean => isRotationInProgress(rotations.get(user));
    const urgent = decision.needFacts.filter(inProgress);
    const others = decision.needFacts.filter((user) => !inProgress(user)).slice(0, Math.max(0, room));
    listedOthers += others.length;
    const batch = [...urgent, ...others];
    if (batch.length === 0) break;
    for (const user of batch) facts.set(user, await listUserFacts(iam, user));
    decision = decide({ report, now, settings, rotations, facts });
  }
  const pendingUsers = decision.needFacts.length;
  if (pendingUsers > 0) logger.info({ pendingUsers }, 'users left for a later run by the cap');

  const actor = new KeyActor({ iam, secretsManager, rotationStates, settings, now, logger });
  const outcomes = settings.mode === 'report' ? [] : await actor.executeAll(decision.actions);
  if (outcomes.length > 0) rotations = byUser(await rotationStates.list());
  const capHit = decision.capHit || pendingUsers > 0;
  if (capHit) logger.warn({ maxActionsPerRun: settings.maxActionsPerRun, deferred: decision.deferred.length, pendingUsers }, 'action cap reached');

  const final = decide({ report, now, settings, rotations, facts });
  const account = report.rows.map((row) => accountOfArn(row.arn)).find((value) => value !== '') ?? '';
  return {
    generatedTime: report.generatedTime,
    eventId: auditEventId(report.generatedTime),
    account,
    users: report.rows.length,
    findings: final.findings,
    seen: final.seen,
    resolutions: (open) => resolutionsAmong(open, report, account, final.seen),
    outcomes,
    deferred: decision.deferred,
    capHit,
    skipped: decision.skipped,
    notices: actor.notices,
    usersListed: facts.size,
  };
}
