/**
 * How the key-audit checks and the rotation planner read one user: its credential-report row, what IAM
 * lists about it (only for users listed in this run), its stored rotation, the time and the settings.
 *
 * Thresholds: a threshold of N days is reached once N × 24 hours have elapsed (day N counts).
 */
import type { CredentialReportRow, ReportKey } from './credential-report.js';
import type { RotationState } from './rotation-state.js';
import type { KeySettings } from './settings.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const OWNER_TAG = 'owner';

export interface ListedKey {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createDate: Date;
}

/** What IAM says about one user; listed only for users that may need an action. */
export interface UserFacts {
  readonly keys: readonly ListedKey[];
  readonly tags: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
}

/** What one decision knows besides the report. */
export interface AuditState {
  readonly now: Date;
  readonly settings: KeySettings;
  /** Stored rotations by user name. */
  readonly rotations: ReadonlyMap<string, RotationState>;
  /** Listed facts by user name; a user missing here gets no action (the planner asks for it). */
  readonly facts: ReadonlyMap<string, UserFacts>;
}

/** One user's share of the AuditState. */
export interface UserState {
  readonly now: Date;
  readonly settings: KeySettings;
  readonly rotation: RotationState | undefined;
  /** Undefined until the user is listed. */
  readonly facts: UserFacts | undefined;
}

export const userStateOf = (row: CredentialReportRow, state: AuditState): UserState => ({
  now: state.now,
  settings: state.settings,
  rotation: state.rotations.get(row.user),
  facts: state.facts.get(row.user),
});

/** The report's access_key_1 and access_key_2. */
export type KeySlot = 1 | 2;
export const KEY_SLOTS = [1, 2] as const;

/** The finding scope of a slot: never the key id, which the report does not carry. */
export const slotScope = (slot: KeySlot): string => `access_key_${slot}`;

export const reached = (now: Date, since: Date | undefined, days: number): boolean => since !== undefined && now.getTime() - since.getTime() >= days * DAY_MS;

export const wholeDays = (now: Date, since: Date | undefined): number | undefined =>
  since === undefined ? undefined : Math.floor((now.getTime() - since.getTime()) / DAY_MS);

/** The listed key that is report slot N: the report has no key ids, its last_rotated is the key's CreateDate. */
export function keyInSlot(key: ReportKey, listed: readonly ListedKey[]): ListedKey | undefined {
  const created = key.lastRotated?.getTime();
  if (created === undefined) return undefined;
  const matches = listed.filter((candidate) => Math.abs(candidate.createDate.getTime() - created) < 2_000);
  return matches.length === 1 ? matches[0] : undefined;
}

/** One key slot against the thresholds. */
export interface KeyView {
  readonly slot: KeySlot;
  readonly key: ReportKey;
  /** The listed key in this slot; undefined until the user is listed, or when the slot cannot be matched. */
  readonly listed: ListedKey | undefined;
  readonly neverUsed: boolean;
  readonly unused: boolean;
  readonly rotationDue: boolean;
  readonly hardLimit: boolean;
}

export function viewKey(row: CredentialReportRow, slot: KeySlot, user: Pick<UserState, 'now' | 'settings' | 'facts'>): KeyView {
  const { now, settings, facts } = user;
  const key = row.keys[slot - 1] as ReportKey;
  return {
    slot,
    key,
    listed: facts === undefined ? undefined : keyInSlot(key, facts.keys),
    neverUsed: key.lastUsed === undefined,
    // A never-used key is unused since its creation.
    unused: reached(now, key.lastUsed ?? key.lastRotated, settings.unusedDays),
    rotationDue: reached(now, key.lastRotated, settings.rotationDays),
    hardLimit: settings.hardLimitDays > 0 && reached(now, key.lastRotated, settings.hardLimitDays),
  };
}
