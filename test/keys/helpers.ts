import { EXAMPLE_ACCOUNT } from '../../shared/detections/example-events.js';
import type { CredentialReport, CredentialReportRow } from '../../shared/keys/credential-report.js';
import { decide, type Decision } from '../../shared/keys/decide.js';
import { EXAMPLE_T0, exampleDay, exampleFacts, exampleKey, exampleRoot, exampleRotation, exampleUser, NO_KEY } from '../../shared/keys/example-rows.js';
import type { RotationState } from '../../shared/keys/rotation-state.js';
import { DEFAULT_KEY_SETTINGS, validateKeySettings, type KeySettings } from '../../shared/keys/settings.js';
import type { UserFacts } from '../../shared/keys/user-view.js';

// The key tests build their rows with the examples' builders, under short names.
export const ACCOUNT = EXAMPLE_ACCOUNT;
export const T0 = EXAMPLE_T0;
export const day = exampleDay;
export const noKey = NO_KEY;
export const key = exampleKey;
export const userRow = exampleUser;
export const rootRow = exampleRoot;
export const factsOf = exampleFacts;
export const rotationState = exampleRotation;

export const reportOf = (rows: CredentialReportRow[], generated: Date = T0): CredentialReport => ({ generatedTime: generated.toISOString(), rows });

export const settingsWith = (overrides: Partial<KeySettings> = {}): KeySettings => validateKeySettings({ ...DEFAULT_KEY_SETTINGS, ...overrides });

/** decide() over some rows at `now`, with settings overrides, listed facts and stored rotations. */
export function decideAt(
  rows: CredentialReportRow[],
  now: Date,
  options: { settings?: Partial<KeySettings>; facts?: Record<string, UserFacts>; rotations?: RotationState[] } = {},
): Decision {
  return decide({
    report: reportOf(rows, now),
    now,
    settings: settingsWith(options.settings),
    rotations: new Map((options.rotations ?? []).map((state) => [state.user, state])),
    facts: new Map(Object.entries(options.facts ?? {})),
  });
}
