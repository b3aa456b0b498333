import type { CredentialReport, CredentialReportRow, ReportKey } from '../../shared/keys/credential-report.js';
import { DAY_MS, type UserFacts } from '../../shared/keys/decide.js';
import type { RotationState } from '../../shared/keys/rotation-state.js';
import { DEFAULT_KEY_SETTINGS, validateKeySettings, type KeySettings } from '../../shared/keys/settings.js';

export const ACCOUNT = '111122223333';
export const T0 = new Date('2026-01-01T00:00:00.000Z');
export const day = (n: number, hours = 0): Date => new Date(T0.getTime() + n * DAY_MS + hours * 3_600_000);

export const noKey: ReportKey = { active: false, lastRotated: undefined, lastUsed: undefined, lastUsedRegion: undefined, lastUsedService: undefined };

export function key(created: Date, lastUsed?: Date, active = true): ReportKey {
  return { active, lastRotated: created, lastUsed, lastUsedRegion: lastUsed && 'us-east-1', lastUsedService: lastUsed && 's3' };
}

export function userRow(user: string, overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return {
    user,
    arn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
    isRoot: false,
    userCreationTime: day(-400),
    consoleAccess: false,
    consoleLastUsed: undefined,
    consoleLastChanged: undefined,
    mfaActive: false,
    keys: [noKey, noKey],
    ...overrides,
  };
}

export function rootRow(overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return { ...userRow('<root_account>'), arn: `arn:aws:iam::${ACCOUNT}:root`, isRoot: true, mfaActive: true, ...overrides };
}

export const reportOf = (rows: CredentialReportRow[], generated: Date = T0): CredentialReport => ({ generatedTime: generated.toISOString(), rows });

export const settingsWith = (overrides: Partial<KeySettings> = {}): KeySettings => validateKeySettings({ ...DEFAULT_KEY_SETTINGS, ...overrides });

export const factsOf = (keys: UserFacts['keys'], tags: Record<string, string> = {}, groups: string[] = []): UserFacts => ({ keys, tags, groups });

export function rotationState(overrides: Partial<RotationState> & Pick<RotationState, 'user' | 'oldKeyId'>): RotationState {
  const started = day(0);
  return {
    userArn: `arn:aws:iam::${ACCOUNT}:user/${overrides.user}`,
    phase: 'delivered',
    newKeyId: 'AKIANEWKEY0000000001',
    startedAt: started.toISOString(),
    deactivateAt: new Date(started.getTime() + 7 * DAY_MS).toISOString(),
    deleteAt: new Date(started.getTime() + 17 * DAY_MS).toISOString(),
    leaseUntil: undefined,
    secretName: `iam-warden/access-keys/${overrides.user}`,
    owner: undefined,
    updatedAt: started.toISOString(),
    note: undefined,
    version: 3,
    ...overrides,
  };
}
