import { describe, expect, it } from 'vitest';
import { alertSettingsFromEnvironment } from '../../shared/alerts/settings.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:warden-alerts';

describe('alert settings', () => {
  it('defaults: medium and above alert, critical findings send a resolved notice, no reminders, four publish attempts', () => {
    expect(alertSettingsFromEnvironment({ ALERT_TOPIC_ARN: TOPIC }, 'warden-findings')).toEqual({
      topicArn: TOPIC,
      minSeverity: 'medium',
      resolvedNotices: 'critical',
      reminderHours: 0,
      publishMaxAttempts: 4,
      findingsTable: 'warden-findings',
    });
  });

  it('reads every setting', () => {
    const settings = alertSettingsFromEnvironment({
      ALERT_TOPIC_ARN: TOPIC,
      ALERT_MIN_SEVERITY: 'high',
      ALERT_RESOLVED_NOTICES: 'off',
      ALERT_PUBLISH_MAX_ATTEMPTS: '6',
      ALERT_REMINDER_HOURS: '24',
    });
    expect(settings).toMatchObject({ minSeverity: 'high', resolvedNotices: 'off', publishMaxAttempts: 6, reminderHours: 24 });
  });

  it.each([
    [{}, /ALERT_TOPIC_ARN is required/],
    [{ ALERT_TOPIC_ARN: 'warden-alerts' }, /ALERT_TOPIC_ARN must be an SNS topic ARN/],
    [{ ALERT_TOPIC_ARN: TOPIC, ALERT_MIN_SEVERITY: 'severe' }, /ALERT_MIN_SEVERITY must be one of info, low, medium, high, critical/],
    [{ ALERT_TOPIC_ARN: TOPIC, ALERT_RESOLVED_NOTICES: 'yes' }, /ALERT_RESOLVED_NOTICES must be one of .*off/],
    [{ ALERT_TOPIC_ARN: TOPIC, ALERT_PUBLISH_MAX_ATTEMPTS: '0' }, /ALERT_PUBLISH_MAX_ATTEMPTS must be a number from 1 to 10/],
  ])('fails fast on a wrong setting, naming it (%j)', (env, message) => {
    expect(() => alertSettingsFromEnvironment(env)).toThrow(message);
  });
});
