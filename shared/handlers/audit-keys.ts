import type { Alerter } from '../alerts/alerter.js';
import { failureReason } from '../alerts/channel.js';
import { rotationNotice } from '../alerts/rotation-notice.js';
import { exportRecordingOutage, type FindingsExport } from '../export/findings-export.js';
import type { FindingChange, FindingsStore, FindingSummary } from '../findings/store.js';
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
  /** Copies what the audit opened, resolved or muted elsewhere (Security Hub), after the alerts; none by default. */
  readonly exporter?: FindingsExport;
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
  /** With an export: the findings it copied, and those it could not (each recorded on the finding). */
  readonly exported?: number;
  readonly exportFailed?: number;
}

/**
 * Some key changes, rotation notices or the export failed: thrown after the findings are written, so
 * the Errors alarm fires.
 */
export class KeyAuditIncompleteError extends Error {
  override readonly name = 'KeyAuditIncompleteError';
}

/**
 * What the scheduled Lambda does: audit the credential report (acting as the mode allows), tell
 * owners about the keys it rotated, write the findings and resolve those the report no longer
 * shows, then alert on what opened (after the write, as for event detections) and export what
 * changed (a destination it cannot reach is recorded on each finding and fails the run). Being the daily
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
  const { store, alerter, logger, ownRoleName, exporter, ...audit } = dependencies;
  const muted = audit.settings.mode === 'rotate' && ownRoleName !== undefined ? await muteOwnRotations(store, ownRoleName) : [];
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
  const exported = exporter === undefined ? undefined : await exportRecordingOutage(exporter, store, [...muted, ...changes], logger);

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
    ...(exported === undefined ? {} : { exported: exported.exported.length, exportFailed: exported.failed.length }),
  };
  logger.info({ ...summary, generatedTime: result.generatedTime, ...counts }, 'key audit done');
  const incomplete: string[] = [];
  if (changesFailed > 0 || noticesFailed > 0)
    incomplete.push(
      `${changesFailed} key change(s) and ${noticesFailed} rotation notice(s) failed; findings were written and the next run retries the changes`,
    );
  if (exported?.unreachable !== undefined) incomplete.push(`${exported.unreachable.message}; recorded on each finding not exported`);
  if (incomplete.length > 0) throw new KeyAuditIncompleteError(incomplete.join('; '));
  return summary;
}

/**
 * A rotation creates a key for another user, which `credentials-created-for-another-user` reports:
 * muted for this role's sessions only (idempotent: the same target is the same suppression). The
 * findings it muted now.
 */
async function muteOwnRotations(store: FindingsStore, roleName: string): Promise<FindingChange[]> {
  const { suppressed } = await store.suppress(
    { ruleId: 'credentials-created-for-another-user', actorPattern: `arn:*:sts::*:assumed-role/${roleName}/*` },
    { reason: "iam-warden's own key rotation (rotate mode)", by: 'iam-warden' },
  );
  return suppressed;
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
