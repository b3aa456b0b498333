import { severityRank, type RuleDescription } from '../detections/detection.js';
import type { Finding } from '../findings/model.js';
import type { FindingChange, FindingsStore } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';
import { failureReason, type AlertChannel, type Delivery, type Outgoing } from './channel.js';
import type { AlertKind } from './facts.js';
import { findingAlert } from './finding-alert.js';
import type { AlertSettings } from './settings.js';

/** One alert to send: a finding that opened (or still owes its alert), or a resolved notice. */
export interface AlertDue {
  readonly kind: AlertKind;
  readonly finding: Finding;
}

export interface AlertSelection {
  readonly due: readonly AlertDue[];
  /** Pending findings below the minimum severity: they owe nothing (alert state `none`). */
  readonly belowMinimum: readonly Finding[];
}

/**
 * Which changes alert. `deliver` (the Lambda, `--sns-topic`): every open or resolved finding whose
 * alert is still pending, whatever this write did to it (a retry after a failed publish finds it
 * `unchanged` and pending), plus resolved notices for findings whose alert was sent. `preview` (the
 * terminal): only what this write opened or reopened, since nothing is marked sent there.
 * Suppressed findings never alert (their alert state is `none`).
 */
export function selectAlerts(changes: readonly FindingChange[], settings: AlertSettings, mode: 'deliver' | 'preview' = 'deliver'): AlertSelection {
  const due: AlertDue[] = [];
  const belowMinimum: Finding[] = [];
  const seen = new Set<string>();
  for (const { finding, outcome } of changes) {
    if (finding === undefined || seen.has(finding.id) || finding.status === 'suppressed') continue;
    seen.add(finding.id);
    const fresh = outcome === 'opened' || outcome === 'reopened';
    if (finding.alertState === 'pending' && (mode === 'deliver' || fresh)) {
      if (severityRank(finding.severity) < severityRank(settings.minSeverity)) belowMinimum.push(finding);
      else due.push({ kind: 'opened', finding });
      continue;
    }
    const notified = mode === 'deliver' ? finding.alertState === 'sent' : finding.alertState !== 'none';
    if (outcome === 'resolved' && notified && settings.resolvedNotices !== 'off' && severityRank(finding.severity) >= severityRank(settings.resolvedNotices)) {
      due.push({ kind: 'resolved', finding });
    }
  }
  return { due, belowMinimum };
}

export interface AlertReport {
  readonly sent: readonly string[];
  /** Rejected for good by the channel: recorded on the finding (`failed`, with the reason). */
  readonly failed: readonly { readonly findingId: string; readonly reason: string }[];
  readonly belowMinimum: readonly string[];
  readonly resolvedNotices: number;
}

/** The channel could not be reached (after its client's retries): the findings listed still owe their alert. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
  constructor(
    message: string,
    readonly pending: readonly string[],
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

export interface SweepReport {
  /** Alerts still owed from earlier runs (their event's retries ran out), now delivered. */
  readonly owedAlerts: AlertReport;
  readonly reminders: number;
}

export interface AlerterDependencies {
  readonly store: FindingsStore;
  /** Where alerts go: one of channels/, chosen by channels/catalogue.ts (tests may pass their own). */
  readonly channel: AlertChannel;
  readonly settings: AlertSettings;
  /** What each rule means and how to fix it (each Lambda passes its own rules, to keep its bundle lean). */
  readonly rules: readonly RuleDescription[];
}

/**
 * Sends the alerts a write owes, after the write: claim the alert on the finding (a conditional
 * write, so of any number of concurrent deliveries one sends it), deliver, then move its state from
 * `pending` to `sent`. A failure the channel calls transient releases the claim, leaves the rest
 * pending and throws, so the caller fails and the event is retried; a retry finds them pending and
 * sends each once. A permanent one is recorded on the finding and logged, never retried. A claim
 * whose holder died is taken again once its lease (ALERT_CLAIM_LEASE_MS) ends, by the daily sweep at the latest.
 */
export class Alerter {
  private readonly rules: ReadonlyMap<string, RuleDescription>;

  constructor(private readonly dependencies: AlerterDependencies) {
    this.rules = new Map(dependencies.rules.map((rule) => [rule.id, rule]));
  }

  /** Sends a notice that is not about a finding (a key rotation): throws what the channel threw. */
  async notify(outgoing: Outgoing): Promise<void> {
    const { channel } = this.dependencies;
    await channel.deliver(channel.format(outgoing));
  }

  async deliver(changes: readonly FindingChange[], logger: Logger): Promise<AlertReport> {
    const { store, channel, settings } = this.dependencies;
    const { due, belowMinimum } = selectAlerts(changes, settings, 'deliver');
    for (const finding of belowMinimum) await store.markAlert(finding.id, 'none');

    const sent: string[] = [];
    const failed: { findingId: string; reason: string }[] = [];
    const opened = due.filter((item) => item.kind === 'opened');
    for (const [index, item] of opened.entries()) {
      const fields = { findingId: item.finding.id, ruleId: item.finding.ruleId, severity: item.finding.severity, channel: channel.name };
      if (!(await store.claimAlert(item.finding.id))) {
        logger.info(fields, 'alert claimed by another delivery; not sent again');
        continue;
      }
      let messageId: string | undefined;
      try {
        ({ messageId } = await this.send(item));
      } catch (error) {
        if (channel.classify(error) === 'permanent') {
          const reason = failureReason(error);
          await store.markAlert(item.finding.id, 'failed', reason);
          // One fixed message per channel ("alert rejected by SNS; ..."), the channel also a field.
          logger.error({ ...fields, reason }, `alert rejected by ${channel.name}; recorded on the finding and not retried`);
          failed.push({ findingId: item.finding.id, reason });
          continue;
        }
        const pending = opened.slice(index).map((rest) => rest.finding.id);
        logger.error({ ...fields, pending: pending.length, err: error }, 'alert not sent; the findings stay pending for a retry');
        await this.release(item.finding.id, logger);
        throw new AlertDeliveryError(`could not publish ${pending.length} alert${pending.length === 1 ? '' : 's'}: ${failureReason(error)}`, pending, {
          cause: error,
        });
      }
      sent.push(item.finding.id);
      await this.recordSent(fields, messageId, logger);
    }

    // Resolved notices are best effort: nothing records them, so a retry could not resend them anyway.
    let resolvedNotices = 0;
    for (const item of due.filter((entry) => entry.kind === 'resolved')) {
      try {
        await this.send(item);
        resolvedNotices += 1;
      } catch (error) {
        logger.warn({ findingId: item.finding.id, ruleId: item.finding.ruleId, reason: failureReason(error) }, 'resolved notice not sent');
      }
    }
    return { sent, failed, belowMinimum: belowMinimum.map((finding) => finding.id), resolvedNotices };
  }

  /**
   * The scheduled safety net: delivers every alert still owed (an event whose retries ran out
   * leaves its finding pending), then, when reminders are on, reminds about critical findings still
   * open `reminderHours` after their last alert. Reads the open findings only (one index query a
   * page), and a reminder is claimed on the finding before it is sent, so overlapping runs send one.
   */
  async sweep(logger: Logger, now: Date): Promise<SweepReport> {
    const { store, settings } = this.dependencies;
    // Sweeps run on a schedule (daily) and each claim is stamped when it happens: an hour of slack
    // keeps a 24-hour reminder from slipping a whole day because today's run started a little early.
    const slack = Math.min(3_600_000, (settings.reminderHours * 3_600_000) / 2);
    const cutoff = new Date(now.getTime() - settings.reminderHours * 3_600_000 + slack).toISOString();
    const owed: FindingChange[] = [];
    const stale: Finding[] = [];
    for await (const summary of store.openFindings()) {
      const remindable = settings.reminderHours > 0 && summary.alertState === 'sent' && summary.severity === 'critical';
      if (summary.alertState !== 'pending' && !remindable) continue;
      const finding = await store.get(summary.id);
      if (finding === undefined) continue;
      if (finding.alertState === 'pending') owed.push({ findingId: finding.id, outcome: 'unchanged', finding });
      else if (remindable && (finding.alertedAt ?? finding.statusChangedAt) < cutoff) stale.push(finding);
    }
    const owedAlerts = await this.deliver(owed, logger);
    let reminders = 0;
    for (const finding of stale) {
      if (!(await store.claimReminder(finding.id, cutoff))) continue;
      try {
        await this.send({ kind: 'reminder', finding });
        reminders += 1;
      } catch (error) {
        logger.warn({ findingId: finding.id, ruleId: finding.ruleId, reason: failureReason(error) }, 'reminder not sent; the next is due one interval later');
      }
    }
    return { owedAlerts, reminders };
  }

  /**
   * Marks a published alert sent. Failing here must neither fail the event nor call the alert unsent:
   * a retry would publish it again. The claim stays, so nothing resends it before its lease ends.
   */
  private async recordSent(fields: { readonly findingId: string }, messageId: string | undefined, logger: Logger): Promise<void> {
    try {
      // Only a claim whose lease ran out during this publish lets another delivery mark it first.
      if (await this.dependencies.store.markAlert(fields.findingId, 'sent')) logger.info({ ...fields, messageId }, 'alert sent');
      else logger.warn({ ...fields, messageId }, 'alert sent, but another delivery had already marked it');
    } catch (error) {
      logger.error({ ...fields, messageId, err: error }, 'alert sent, but not recorded as sent; its claim holds it until the lease ends');
    }
  }

  /** Gives a claim back after a transient failure; if that fails too, the claim's lease ends it. */
  private async release(findingId: string, logger: Logger): Promise<void> {
    try {
      await this.dependencies.store.releaseAlert(findingId);
    } catch (error) {
      logger.warn({ findingId, err: error }, 'alert claim not released; it is taken again when its lease ends');
    }
  }

  private async send(due: AlertDue): Promise<Delivery> {
    const { channel, settings } = this.dependencies;
    const alert = findingAlert({ kind: due.kind, finding: due.finding, rule: this.rules.get(due.finding.ruleId), findingsTable: settings.findingsTable });
    return channel.deliver(channel.format(alert));
  }
}
