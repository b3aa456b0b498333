import { AlertDeliveryError, type Alerter, selectAlerts } from '../alerts/alerter.js';
import type { AlertChannel } from '../alerts/channel.js';
import { ALERT_DESTINATIONS, isAlertDestination } from '../alerts/channels/catalogue.js';
import { oneLine } from '../alerts/escape.js';
import { findingAlert } from '../alerts/finding-alert.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../alerts/settings.js';
import { renderAlertsForTerminal } from '../alerts/terminal.js';
import type { FindingChange, FindingsStore, OpenFindingsStoreOptions } from '../findings/store.js';
import { ruleById } from '../findings/rule-book.js';
import type { CliDependencies } from './dependencies.js';
import { UsageError, type CliIO } from './io.js';
import { type OptionValues, severityOption } from './options.js';
import { plural } from './render.js';

/** The alert options of the commands that record findings (`replay`, `scan`). */
export const ALERT_OPTIONS = {
  alerts: { type: 'string' },
  'sns-topic': { type: 'string' },
  'alert-min-severity': { type: 'string' },
} as const;

export const ALERT_USAGE = `  --alerts terminal|none     print the alerts that would be sent (default terminal), or not
  --sns-topic ARN            publish the alerts to an SNS topic, as the Lambda does
  --alert-min-severity S     the lowest severity that alerts (default medium)`;

const ALERT_MODES = ['terminal', 'none'] as const;

/** What the alert options ask for: a preview on the terminal, publishing to a topic, or nothing. */
export interface AlertChoice {
  readonly mode: (typeof ALERT_MODES)[number];
  readonly topicArn: string | undefined;
  readonly settings: AlertSettings;
}

export function alertChoice(values: OptionValues, selection: OpenFindingsStoreOptions): AlertChoice {
  const mode = typeof values['alerts'] === 'string' ? values['alerts'] : 'terminal';
  if (!(ALERT_MODES as readonly string[]).includes(mode)) throw new UsageError(`--alerts must be one of ${ALERT_MODES.join(', ')}; got "${mode}"`);
  const topicArn = typeof values['sns-topic'] === 'string' ? values['sns-topic'] : undefined;
  if (topicArn !== undefined && !isAlertDestination(topicArn)) throw new UsageError(`--sns-topic must be ${ALERT_DESTINATIONS}; got "${topicArn}"`);
  if (topicArn !== undefined && mode === 'none') throw new UsageError('--sns-topic publishes alerts; it cannot be combined with --alerts none');
  const minSeverity =
    typeof values['alert-min-severity'] === 'string'
      ? severityOption(values['alert-min-severity'], '--alert-min-severity')
      : DEFAULT_ALERT_SETTINGS.minSeverity;
  const settings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, minSeverity, ...('tableName' in selection ? { findingsTable: selection.tableName } : {}) };
  return { mode: mode as AlertChoice['mode'], topicArn, settings };
}

/**
 * The alerts of one command run. With --sns-topic they are published as the Lambda publishes them
 * (pending -> sent), as the findings are written: after the first failure to reach the channel no more
 * are tried, and they stay pending for the next run. Without it they can be previewed on the terminal.
 */
export class CommandAlerts {
  private sent = 0;
  private resolvedNotices = 0;
  private belowMinimum = 0;
  private readonly failed: { findingId: string; reason: string }[] = [];
  private unreachableError: AlertDeliveryError | undefined;

  private constructor(
    private readonly choice: AlertChoice,
    private readonly publisher: { readonly alerter: Alerter; readonly channel: AlertChannel } | undefined,
  ) {}

  static async open(cli: CliDependencies, store: FindingsStore, choice: AlertChoice): Promise<CommandAlerts> {
    const publisher = choice.topicArn === undefined ? undefined : await cli.openAlerter(store, choice.topicArn, choice.settings);
    return new CommandAlerts(choice, publisher);
  }

  /** The channel could not be reached: the command fails (exit 70), and a run again sends what is pending. */
  get unreachable(): boolean {
    return this.unreachableError !== undefined;
  }

  async deliver(changes: readonly FindingChange[], cli: CliDependencies): Promise<void> {
    if (this.publisher === undefined || this.unreachableError !== undefined) return;
    try {
      // Delivery logs nothing here (a silent logger): what happened is reported in words, by `report`.
      const report = await this.publisher.alerter.deliver(changes, cli.logger);
      this.sent += report.sent.length;
      this.resolvedNotices += report.resolvedNotices;
      this.belowMinimum += report.belowMinimum.length;
      this.failed.push(...report.failed);
    } catch (error) {
      if (!(error instanceof AlertDeliveryError)) throw error;
      this.unreachableError = error;
    }
  }

  /** The alerts the findings would send, for the terminal (`--alerts terminal` without a topic); empty otherwise. */
  preview(changes: readonly FindingChange[], selection: OpenFindingsStoreOptions): string {
    if (this.choice.mode !== 'terminal' || this.publisher !== undefined) return '';
    const { due } = selectAlerts(changes, this.choice.settings, 'preview');
    const where = 'tableName' in selection ? { findingsTable: selection.tableName } : { storeDir: selection.storeDir };
    const previews = due.map((item) => findingAlert({ kind: item.kind, finding: item.finding, rule: ruleById(item.finding.ruleId), ...where }));
    return renderAlertsForTerminal(previews, 'publish them with --sns-topic ARN, hide them with --alerts none');
  }

  /** What publishing did: rejections and an unreachable channel on standard error, the count on standard output (not with --json). */
  report(io: CliIO, { json, again }: { readonly json: boolean; readonly again: string }): void {
    const channel = this.publisher?.channel;
    if (channel === undefined) return;
    for (const failure of this.failed)
      io.err(`alert for finding ${failure.findingId} rejected by ${channel.name} (recorded on the finding, not retried): ${oneLine(failure.reason)}\n`);
    if (this.unreachableError !== undefined)
      io.err(`alerts not published: ${oneLine(this.unreachableError.message)}; the findings keep their alert pending, and ${again} sends them once\n`);
    if (json) return;
    const notices = this.resolvedNotices > 0 ? `, ${plural(this.resolvedNotices, 'resolved notice')}` : '';
    const below = this.belowMinimum > 0 ? `; ${this.belowMinimum} below --alert-min-severity, not alerted` : '';
    const rejected = this.failed.length > 0 ? `, ${this.failed.length} rejected` : '';
    io.out(`\nAlerts published to ${channel.destination}: ${this.sent}${notices}${rejected}${below}.\n`);
  }

  close(): void {
    this.publisher?.channel.close();
  }
}
