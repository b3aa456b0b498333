import { numberSetting, oneOfSetting, requiredSetting, SettingsError, type Environment } from '../config/settings.js';
import { SEVERITIES, type Severity } from '../detections/detection.js';
import { ALERT_DESTINATIONS, isAlertDestination } from './channels/catalogue.js';

/** `off` turns resolved notices off; otherwise the lowest severity that sends one. */
export type ResolvedNotices = Severity | 'off';

export interface AlertSettings {
  /** Findings below this never alert: their alert state becomes `none` (nothing owed, nothing sent). */
  readonly minSeverity: Severity;
  /** Auto-resolved findings at or above this send a short "resolved" notice, if their alert was sent. */
  readonly resolvedNotices: ResolvedNotices;
  /** Re-alert a critical finding still open this many hours after its last alert; 0 never does. */
  readonly reminderHours: number;
  /** How `warden findings show` reaches the table, printed in alerts (`--table NAME`), if deployed. */
  readonly findingsTable?: string;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { minSeverity: 'medium', resolvedNotices: 'critical', reminderHours: 0 };
/** Delivery attempts per alert (SNS: the SDK's standard retry mode, exponential backoff with jitter, throttling included). */
export const DEFAULT_PUBLISH_MAX_ATTEMPTS = 4;

export interface AlertEnvironmentSettings extends AlertSettings {
  /** Where alerts go; its form chooses the channel (channels/catalogue.ts). */
  readonly topicArn: string;
  readonly publishMaxAttempts: number;
}

/**
 * The Lambda's alert settings, read once at start-up:
 * ALERT_TOPIC_ARN (required: the SNS topic, or another channel's destination), ALERT_MIN_SEVERITY
 * (default medium), ALERT_RESOLVED_NOTICES (a severity or `off`; default critical),
 * ALERT_REMINDER_HOURS (0 = never, the default; else 1-8760), ALERT_PUBLISH_MAX_ATTEMPTS (1-10, default 4).
 */
export function alertSettingsFromEnvironment(env: Environment, findingsTable?: string): AlertEnvironmentSettings {
  const topicArn = requiredSetting(env, 'ALERT_TOPIC_ARN');
  if (!isAlertDestination(topicArn)) throw new SettingsError(`setting ALERT_TOPIC_ARN must be ${ALERT_DESTINATIONS}; got "${topicArn}"`);
  const resolvedNotices = oneOfSetting<ResolvedNotices>(env, 'ALERT_RESOLVED_NOTICES', [...SEVERITIES, 'off'], DEFAULT_ALERT_SETTINGS.resolvedNotices);
  return {
    topicArn,
    minSeverity: oneOfSetting(env, 'ALERT_MIN_SEVERITY', SEVERITIES, DEFAULT_ALERT_SETTINGS.minSeverity),
    resolvedNotices,
    reminderHours: numberSetting(env, 'ALERT_REMINDER_HOURS', DEFAULT_ALERT_SETTINGS.reminderHours, { min: 0, max: 8760 }),
    publishMaxAttempts: numberSetting(env, 'ALERT_PUBLISH_MAX_ATTEMPTS', DEFAULT_PUBLISH_MAX_ATTEMPTS, { min: 1, max: 10 }),
    ...(findingsTable === undefined ? {} : { findingsTable }),
  };
}
