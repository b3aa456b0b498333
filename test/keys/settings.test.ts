import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_KEY_SETTINGS, readKeySettings, SettingsError } from '../../shared/keys/settings.js';
import { CredentialReportError, CREDENTIAL_REPORT_COLUMNS, parseCredentialReport } from '../../shared/keys/credential-report.js';
import { decide } from '../../shared/keys/decide.js';
import { settingsWith } from './helpers.js';

describe('readKeySettings', () => {
  it('defaults to a dry run with the CIS thresholds', () => {
    expect(readKeySettings({})).toEqual(DEFAULT_KEY_SETTINGS);
    expect(readKeySettings({}).mode).toBe('report');
  });

  it('reads every setting from its variable, and overrides win', () => {
    const settings = readKeySettings(
      {
        WARDEN_KEYS_MODE: 'deactivate',
        WARDEN_KEYS_UNUSED_DAYS: '30',
        WARDEN_KEYS_EXEMPT_GROUPS: 'break-glass, vendors ,',
        WARDEN_KEYS_SECRET_PREFIX: 'keys/',
        WARDEN_KEYS_MAX_ACTIONS: '0',
      },
      { mode: 'rotate' },
    );
    expect(settings).toMatchObject({ mode: 'rotate', unusedDays: 30, exemptGroups: ['break-glass', 'vendors'], secretPrefix: 'keys/', maxActionsPerRun: 0 });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it.each([
    [{ WARDEN_KEYS_MODE: 'delete-everything' }, /WARDEN_KEYS_MODE must be one of report, deactivate, rotate/],
    [{ WARDEN_KEYS_ROTATION_DAYS: '90d' }, /WARDEN_KEYS_ROTATION_DAYS must be a whole number/],
    [{ WARDEN_KEYS_INSTALL_GRACE_DAYS: '0' }, /WARDEN_KEYS_INSTALL_GRACE_DAYS must be a whole number from 1/],
    [{ WARDEN_KEYS_ROTATION_DAYS: '200' }, /WARDEN_KEYS_ROTATION_HIGH_DAYS \(180\) must not be below WARDEN_KEYS_ROTATION_DAYS/],
    [{ WARDEN_KEYS_HARD_LIMIT_DAYS: '30' }, /WARDEN_KEYS_HARD_LIMIT_DAYS \(30\) must be 0/],
    [{ WARDEN_KEYS_SECRET_PREFIX: 'a b' }, /WARDEN_KEYS_SECRET_PREFIX may hold only/],
  ])('fails fast naming the setting: %j', (env, message) => {
    expect(() => readKeySettings(env)).toThrow(SettingsError);
    expect(() => readKeySettings(env)).toThrow(message);
  });
});

describe('never throws on odd input', () => {
  const header = CREDENTIAL_REPORT_COLUMNS.join(',');
  const cell = fc.oneof(
    fc.constantFrom('N/A', 'no_information', 'not_supported', 'true', 'FALSE', '', '2026-01-01T00:00:00+00:00', 'x'),
    fc.string({ maxLength: 8 }).filter((s) => !/[",\n\r]/.test(s)),
  );
  const row = fc.array(cell, { minLength: CREDENTIAL_REPORT_COLUMNS.length, maxLength: CREDENTIAL_REPORT_COLUMNS.length });

  it('the parser only ever throws a CredentialReportError (or a CSV error), and decide never throws on what it returns', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), (rows) => {
        const csv = [header, ...rows.map((cells) => cells.join(','))].join('\n');
        let parsed;
        try {
          parsed = parseCredentialReport(csv);
        } catch (error) {
          expect(error instanceof CredentialReportError || (error as { code?: string }).code?.startsWith('CSV_')).toBe(true);
          return;
        }
        for (const mode of ['report', 'deactivate', 'rotate'] as const) {
          decide({
            report: { generatedTime: '2026-01-01T00:00:00.000Z', rows: parsed },
            now: new Date('2026-06-01T00:00:00Z'),
            settings: settingsWith({ mode }),
            rotations: new Map(),
            facts: new Map(),
          });
        }
      }),
    );
  });
});
