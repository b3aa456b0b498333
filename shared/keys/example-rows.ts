/**
 * Builds credential-report rows for the key-audit checks' example files: users of account
 * 111122223333, dates counted in days from 1 January 2026. Only the examples and tests import this;
 * no handler bundles it.
 */
import { EXAMPLE_ACCOUNT } from '../detections/example-events.js';
import type { CredentialReportRow, ReportKey } from './credential-report.js';
import type { RotationState } from './rotation-state.js';
import { DAY_MS, type UserFacts } from './user-view.js';

export const EXAMPLE_T0 = new Date('2026-01-01T00:00:00.000Z');

/** Day n (negative: before EXAMPLE_T0), plus some hours. */
export const exampleDay = (n: number, hours = 0): Date => new Date(EXAMPLE_T0.getTime() + n * DAY_MS + hours * 3_600_000);

/** An empty slot: the user has no second key. */
export const NO_KEY: ReportKey = { active: false, lastRotated: undefined, lastUsed: undefined, lastUsedRegion: undefined, lastUsedService: undefined };

/** A key created on `created`; never used unless `lastUsed` is given. */
export function exampleKey(created: Date, lastUsed?: Date, active = true): ReportKey {
  return { active, lastRotated: created, lastUsed, lastUsedRegion: lastUsed && 'us-east-1', lastUsedService: lastUsed && 's3' };
}

/** An IAM user created at day -400: no console login, no MFA, no key unless overridden. */
export function exampleUser(user: string, overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return {
    user,
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/${user}`,
    isRoot: false,
    userCreationTime: exampleDay(-400),
    consoleAccess: false,
    consoleLastUsed: undefined,
    consoleLastChanged: undefined,
    mfaActive: false,
    keys: [NO_KEY, NO_KEY],
    ...overrides,
  };
}

/** The root user, with MFA and no key unless overridden. */
export function exampleRoot(overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return { ...exampleUser('<root_account>'), arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`, isRoot: true, mfaActive: true, ...overrides };
}

export const exampleFacts = (keys: UserFacts['keys'], tags: Record<string, string> = {}, groups: string[] = []): UserFacts => ({ keys, tags, groups });

/** A rotation started at day 0 and delivered: old key deactivated at day 7, deleted at day 17. */
export function exampleRotation(overrides: Partial<RotationState> & Pick<RotationState, 'user' | 'oldKeyId'>): RotationState {
  const started = exampleDay(0);
  return {
    userArn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/${overrides.user}`,
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
