/** Key hygiene settings: read once at start-up, validated, frozen. */
import { SettingsError } from '../config/settings.js';

export const KEY_MODES = ['report', 'deactivate', 'rotate'] as const;
export type KeyMode = (typeof KEY_MODES)[number];

export interface KeySettings {
  /** report: findings only (dry run); deactivate: deactivate stale keys; rotate: also rotate old keys. */
  readonly mode: KeyMode;
  /** access-key-never-used: an active key never used this many days after creation (CIS 1.11). */
  readonly neverUsedGraceDays: number;
  /** credentials-unused: an active key or a console login not used for this many days (CIS 1.12). */
  readonly unusedDays: number;
  /** access-key-not-rotated: medium from this age (CIS 1.14)... */
  readonly rotationDays: number;
  /** ...high from this age. */
  readonly rotationHighDays: number;
  /** deactivate mode: deactivate any active key this old, used or not. 0 turns it off. */
  readonly hardLimitDays: number;
  /** rotate mode: days the owner has to install the new key before the old one is deactivated. */
  readonly installGraceDays: number;
  /** rotate mode: days an old key stays inactive (recoverable) before it is deleted. */
  readonly recoveryGraceDays: number;
  /** Never delete a key used within this many days unless its replacement is in use. */
  readonly recentUseDays: number;
  /** Early deactivation: the new key is in use and the old one unused for this many days. */
  readonly earlyDeactivationQuietDays: number;
  /** Blast-radius cap: at most this many changes (deactivate, delete, start a rotation) per run. */
  readonly maxActionsPerRun: number;
  /** Members of these IAM groups are never acted on. */
  readonly exemptGroups: readonly string[];
  /** Secrets Manager name prefix; the secret of user U is `<prefix>U`. */
  readonly secretPrefix: string;
  /** Optional KMS key for the secrets (default: the account's aws/secretsmanager key). */
  readonly secretKmsKeyId: string | undefined;
  /** How long a run holds a rotation it is starting before another run may recover it. */
  readonly rotationLeaseMinutes: number;
}

export const DEFAULT_KEY_SETTINGS: KeySettings = Object.freeze({
  mode: 'report',
  neverUsedGraceDays: 7,
  unusedDays: 45,
  rotationDays: 90,
  rotationHighDays: 180,
  hardLimitDays: 365,
  installGraceDays: 7,
  recoveryGraceDays: 10,
  recentUseDays: 7,
  earlyDeactivationQuietDays: 2,
  maxActionsPerRun: 10,
  exemptGroups: [],
  secretPrefix: 'iam-warden/access-keys/',
  secretKmsKeyId: undefined,
  rotationLeaseMinutes: 15,
});

export { SettingsError };

/** The environment variable of each setting. */
export const KEY_SETTING_VARIABLES = {
  mode: 'WARDEN_KEYS_MODE',
  neverUsedGraceDays: 'WARDEN_KEYS_NEVER_USED_GRACE_DAYS',
  unusedDays: 'WARDEN_KEYS_UNUSED_DAYS',
  rotationDays: 'WARDEN_KEYS_ROTATION_DAYS',
  rotationHighDays: 'WARDEN_KEYS_ROTATION_HIGH_DAYS',
  hardLimitDays: 'WARDEN_KEYS_HARD_LIMIT_DAYS',
  installGraceDays: 'WARDEN_KEYS_INSTALL_GRACE_DAYS',
  recoveryGraceDays: 'WARDEN_KEYS_RECOVERY_GRACE_DAYS',
  recentUseDays: 'WARDEN_KEYS_RECENT_USE_DAYS',
  earlyDeactivationQuietDays: 'WARDEN_KEYS_EARLY_DEACTIVATION_QUIET_DAYS',
  maxActionsPerRun: 'WARDEN_KEYS_MAX_ACTIONS',
  exemptGroups: 'WARDEN_KEYS_EXEMPT_GROUPS',
  secretPrefix: 'WARDEN_KEYS_SECRET_PREFIX',
  secretKmsKeyId: 'WARDEN_KEYS_SECRET_KMS_KEY_ID',
  rotationLeaseMinutes: 'WARDEN_KEYS_ROTATION_LEASE_MINUTES',
} as const satisfies Record<keyof KeySettings, string>;

type NumericSetting = {
  [K in keyof KeySettings]: KeySettings[K] extends number ? K : never;
}[keyof KeySettings];

const NUMERIC: Record<NumericSetting, { min: number; max: number }> = {
  neverUsedGraceDays: { min: 0, max: 3650 },
  unusedDays: { min: 1, max: 3650 },
  rotationDays: { min: 1, max: 3650 },
  rotationHighDays: { min: 1, max: 3650 },
  hardLimitDays: { min: 0, max: 3650 },
  installGraceDays: { min: 1, max: 365 },
  recoveryGraceDays: { min: 1, max: 365 },
  recentUseDays: { min: 0, max: 365 },
  earlyDeactivationQuietDays: { min: 0, max: 365 },
  maxActionsPerRun: { min: 0, max: 10_000 },
  rotationLeaseMinutes: { min: 1, max: 24 * 60 },
};

/**
 * Reads the settings from an environment-like record (process.env in the Lambda), with `overrides`
 * (CLI options) taking precedence. Throws SettingsError naming the variable on the first bad value.
 */
export function readKeySettings(env: Readonly<Record<string, string | undefined>>, overrides: Partial<KeySettings> = {}): KeySettings {
  const raw = (name: keyof KeySettings): string | undefined => {
    const value = env[KEY_SETTING_VARIABLES[name]]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const settings: { -readonly [K in keyof KeySettings]: KeySettings[K] } = { ...DEFAULT_KEY_SETTINGS };

  const mode = raw('mode');
  if (mode !== undefined) {
    if (!(KEY_MODES as readonly string[]).includes(mode)) {
      throw new SettingsError(`${KEY_SETTING_VARIABLES.mode} must be one of ${KEY_MODES.join(', ')}, not ${JSON.stringify(mode)}`);
    }
    settings.mode = mode as KeyMode;
  }
  for (const [name, range] of Object.entries(NUMERIC) as [NumericSetting, { min: number; max: number }][]) {
    const value = raw(name);
    if (value === undefined) continue;
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < range.min || number > range.max) {
      throw new SettingsError(`${KEY_SETTING_VARIABLES[name]} must be a whole number from ${range.min} to ${range.max}, not ${JSON.stringify(value)}`);
    }
    settings[name] = number;
  }
  const groups = raw('exemptGroups');
  if (groups !== undefined)
    settings.exemptGroups = groups
      .split(',')
      .map((group) => group.trim())
      .filter((group) => group !== '');
  const prefix = raw('secretPrefix');
  if (prefix !== undefined) {
    if (!/^[A-Za-z0-9/_+=.@-]+$/.test(prefix)) throw new SettingsError(`${KEY_SETTING_VARIABLES.secretPrefix} may hold only letters, digits and /_+=.@-`);
    settings.secretPrefix = prefix;
  }
  settings.secretKmsKeyId = raw('secretKmsKeyId');

  const merged = { ...settings, ...withoutUndefined(overrides) };
  return validateKeySettings(merged);
}

/** Checks the relations between settings; returns a frozen copy. */
export function validateKeySettings(settings: KeySettings): KeySettings {
  if (!(KEY_MODES as readonly string[]).includes(settings.mode))
    throw new SettingsError(`${KEY_SETTING_VARIABLES.mode} must be one of ${KEY_MODES.join(', ')}`);
  if (settings.rotationHighDays < settings.rotationDays) {
    throw new SettingsError(
      `${KEY_SETTING_VARIABLES.rotationHighDays} (${settings.rotationHighDays}) must not be below ${KEY_SETTING_VARIABLES.rotationDays} (${settings.rotationDays})`,
    );
  }
  if (settings.hardLimitDays !== 0 && settings.hardLimitDays < settings.rotationDays) {
    throw new SettingsError(
      `${KEY_SETTING_VARIABLES.hardLimitDays} (${settings.hardLimitDays}) must be 0 (off) or at least ${KEY_SETTING_VARIABLES.rotationDays} (${settings.rotationDays})`,
    );
  }
  return Object.freeze({ ...settings, exemptGroups: Object.freeze([...settings.exemptGroups]) });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
