import { describe, expect, it } from 'vitest';
import { selectAlerts } from '../../shared/alerts/alerter.js';
import { isPermanentSnsError } from '../../shared/alerts/channels/sns.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts/settings.js';
import type { Finding, Outcome } from '../../shared/findings/model.js';
import type { FindingChange } from '../../shared/findings/store.js';
import { findingOf, rootKeyRecord } from './fixtures.js';

const base = findingOf(rootKeyRecord());
const change = (outcome: Outcome, finding: Partial<Finding>): FindingChange => ({
  findingId: finding.id ?? base.id,
  outcome,
  finding: { ...base, ...finding },
});
const kinds = (changes: FindingChange[], mode: 'deliver' | 'preview' = 'deliver') =>
  selectAlerts(changes, DEFAULT_ALERT_SETTINGS, mode).due.map((due) => `${due.kind}:${due.finding.id}`);

describe('which changes alert', () => {
  it.each<[string, FindingChange, string[]]>([
    ['an opened finding', change('opened', { id: 'a' }), ['opened:a']],
    ['a reopened finding', change('reopened', { id: 'b' }), ['opened:b']],
    ['a finding still pending after a failed publish (the retry sees it unchanged)', change('unchanged', { id: 'c' }), ['opened:c']],
    ['a new occurrence of an open finding already alerted', change('updated', { id: 'd', alertState: 'sent' }), []],
    ['a suppressed finding', change('suppressed', { id: 'e', status: 'suppressed', alertState: 'none' }), []],
    ['a finding whose alert was rejected for good', change('unchanged', { id: 'f', alertState: 'failed' }), []],
    ['a critical finding resolved after its alert was sent', change('resolved', { id: 'g', status: 'resolved', alertState: 'sent' }), ['resolved:g']],
    ['a high finding resolved after its alert was sent', change('resolved', { id: 'h', severity: 'high', status: 'resolved', alertState: 'sent' }), []],
    ['a finding opened and resolved in one batch (alert still owed)', change('opened', { id: 'i', status: 'resolved', alertState: 'pending' }), ['opened:i']],
  ])('deliver: %s', (_name, input, expected) => {
    expect(kinds([input])).toEqual(expected);
  });

  it('puts pending findings below the minimum severity aside, owing nothing', () => {
    const selection = selectAlerts([change('opened', { id: 'low', severity: 'low' })], DEFAULT_ALERT_SETTINGS);
    expect(selection.due).toEqual([]);
    expect(selection.belowMinimum.map((finding) => finding.id)).toEqual(['low']);
  });

  it('previews only what this write opened, not what an earlier run left pending', () => {
    expect(kinds([change('opened', { id: 'a' }), change('unchanged', { id: 'c' })], 'preview')).toEqual(['opened:a']);
  });

  it('resolved notices can be turned off', () => {
    const selection = selectAlerts([change('resolved', { status: 'resolved', alertState: 'sent' })], { ...DEFAULT_ALERT_SETTINGS, resolvedNotices: 'off' });
    expect(selection.due).toEqual([]);
  });
});

describe('SNS errors', () => {
  const named = (name: string): Error => Object.assign(new Error('x'), { name });
  it.each(['InvalidParameterException', 'NotFoundException', 'AuthorizationErrorException', 'KMSDisabledException'])('%s is permanent', (name) => {
    expect(isPermanentSnsError(named(name))).toBe(true);
  });
  it.each(['ThrottledException', 'InternalErrorException', 'KMSThrottlingException', 'TimeoutError', 'Error'])('%s is transient', (name) => {
    expect(isPermanentSnsError(named(name))).toBe(false);
  });
});
