import type { Alerter } from '../alerts/alerter.js';
import { failureReason } from '../alerts/channel.js';
import { rotationNotice } from '../alerts/rotation-notice.js';
import type { FindingsStore, FindingSummary } from '../findings/store.js';
import { runKeyAudit, type KeyAuditOptions } from '../keys/audit.js';
import { KEY_RULE_IDS } from '../keys/rules/catalogue.js';
import type { Logger } from '../logging/logger.js';

export interface AuditKeysDependencies extends Omit<KeyAuditOptions, 'logger'> {
  readonly store: FindingsStore;
  /** Alerts on findings, and tells key owners about rotations (on the same channel). */
  readonly alerter: Alerter;
  readonly logger: Logger;
  /** The role this audit runs as: in rotate mode its own CreateAccessKey calls are an expected change. */
  readonly ownRoleName?: string;
}

export interface AuditSummary {
  readonly mode: string;
  readonly users: number;
  readonly findings: number;
  readonly resolved: number;
  readonly changesDone: number;
  readonly changesFailed: number;
  readonly capHit: boolean;
  readonly alertsSent: number;
  readonly noticesSent: number;
}

/** Some key changes or rotation notices failed: thrown after the findings are written, so the Errors alarm fires. */
export class KeyAuditIncompleteError extends Error {
  override readonly name = 'KeyAuditIncompleteError';
}

/**
 * What the scheduled Lambda does: audit the credential report (acting as the mode allows), tell
 * owners about the keys it rotated, write the findings and resolve those the report no longer
 * shows, then alert on what opened (after the write, as for event detections). Being the daily
 * scheduled run, it also sweeps the table for alerts still owed and reminders due.
 */
export async function auditKeys(dependencies: AuditKeysDependencies): Promise<AuditSummary> {
  const { alerter, logger, now } = dependencies;
  let summary: AuditSummary | undefined;
  let failure: unknown;
  try {
    summary = await auditAndAlert(dependencies);
  } catch (error) {
    failure = error;
  }
  // The safety net runs even when the audit failed (a throttled report, a missing permission):
  // alerts owed by event detections must not wait for the key audit to recover.
  try {
    const sweep = await alerter.sweep(logger, now());
    logger.info({ owedAlertsSent: sweep.owedAlerts.sent.length, reminders: sweep.reminders }, 'alert sweep done');
  } catch (error) {
    failure ??= error;
  }
  if (summary === undefined || failure !== undefined) throw failure;
  return summary;
}

async function auditAndAlert(dependencies: AuditKeysDependencies): Promise<AuditSummary> {
  const { store, alerter, logger, ownRoleName, ...audit } = dependencies;
  if (audit.settings.mode === 'rotate' && ownRoleName !== undefined) await muteOwnRotations(store, ownRoleName);
  const result = await runKeyAudit({ ...audit, logger });

  // Owners first: their keys were already rotated, and nothing would produce these notices again if
  // a later step (the table, the alerts) failed this run.
  let noticesFailed = 0;
  for (const notice of result.notices) {
    try {
      await alerter.notify(rotationNotice(notice, result.account));
    } catch (error) {
      noticesFailed += 1;
      logger.error(
        { user: notice.user, newKeyId: notice.newKeyId, reason: failureReason(error) },
        'rotation notice not sent; the finding still records the rotation',
      );
    }
  }

  const resolutions = result.account === '' ? [] : result.resolutions(await openKeyFindings(store));
  const batch = store.batch();
  batch.add({ detected: result.findings, resolutions });
  const { changes, counts } = await batch.flush();
  const alerts = await alerter.deliver(changes, logger);

  const changesDone = result.outcomes.filter((outcome) => outcome.status === 'done').length;
  const changesFailed = result.outcomes.filter((outcome) => outcome.status === 'failed').length;
  const summary: AuditSummary = {
    mode: audit.settings.mode,
    users: result.users,
    findings: result.findings.length,
    resolved: resolutions.length,
    changesDone,
    changesFailed,
    capHit: result.capHit,
    alertsSent: alerts.sent.length,
    noticesSent: result.notices.length - noticesFailed,
  };
  logger.info({ ...summary, generatedTime: result.generatedTime, ...counts }, 'key audit done');
  if (changesFailed > 0 || noticesFailed > 0) {
    throw new KeyAuditIncompleteError(
      `${changesFailed} key change(s) and ${noticesFailed} rotation notice(s) failed; findings were written and the next run retries the changes`,
    );
  }
  return summary;
}

/**
 * A rotation creates a key for another user, which `credentials-created-for-another-user` reports:
 * muted for this role's sessions only (idempotent: the same target is the same suppression).
 */
async function muteOwnRotations(store: FindingsStore, roleName: string): Promise<void> {
  await store.suppress(
    { ruleId: 'credentials-created-for-another-user', actorPattern: `arn:*:sts::*:assumed-role/${roleName}/*` },
    { reason: "iam-warden's own key rotation (rotate mode)", by: 'iam-warden' },
  );
}

/** Open and suppressed findings of the key rules, through the byRule index (every page). */
async function openKeyFindings(findings: FindingsStore): Promise<FindingSummary[]> {
  const all: FindingSummary[] = [];
  for (const ruleId of KEY_RULE_IDS) {
    let cursor: string | undefined;
    do {
      const page = await findings.list({ ruleId, statuses: ['open', 'suppressed'], limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      all.push(...page.findings);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return all;
}
