/**
 * The decision core: pure. Given the credential report, the time, the settings, the stored rotations
 * and (only for users that may need an action) the facts listed from IAM, it decides the findings and
 * the changes to make. No SDK, no environment, no clock.
 *
 * Thresholds: a threshold of N days is reached once N × 24 hours have elapsed (day N counts).
 */
import type { Severity } from '../detections/detection.js';
import type { Resolution } from '../detections/engine.js';
import { findingIdOf, type Detected } from '../findings/finding.js';
import { redactSecrets } from '../findings/redact.js';
import type { CredentialReport, CredentialReportRow, ReportKey } from './credential-report.js';
import { isRotationInProgress, type RotationState } from './rotation-state.js';
import { KEY_RULES, KEY_RULE_IDS, type KeyRule } from './rules.js';
import type { KeySettings } from './settings.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const EXEMPT_TAG = 'iam-warden:exempt';
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

export interface DecideInput {
  readonly report: CredentialReport;
  readonly now: Date;
  readonly settings: KeySettings;
  /** Stored rotations by user name. */
  readonly rotations: ReadonlyMap<string, RotationState>;
  /** Listed facts by user name; a user missing here gets no action (it is asked for in needFacts). */
  readonly facts: ReadonlyMap<string, UserFacts>;
}

export type KeySlot = 1 | 2;

/** A change to the account, decided here and executed by act.ts. */
export type KeyAction =
  | { readonly kind: 'deactivate-key'; readonly user: string; readonly userArn: string; readonly accessKeyId: string; readonly reason: 'unused' | 'hard-limit' }
  | {
      readonly kind: 'start-rotation';
      readonly user: string;
      readonly userArn: string;
      readonly oldKeyId: string;
      readonly owner: string | undefined;
      readonly previous: RotationState | undefined;
    }
  /** Take over a rotation whose run died before the secret was stored: delete the undelivered keys, then create again. */
  | {
      readonly kind: 'resume-rotation';
      readonly user: string;
      readonly userArn: string;
      readonly state: RotationState;
      readonly undeliveredKeyIds: readonly string[];
    }
  | { readonly kind: 'deactivate-old-key'; readonly user: string; readonly userArn: string; readonly state: RotationState; readonly early: boolean }
  | { readonly kind: 'delete-old-key'; readonly user: string; readonly userArn: string; readonly state: RotationState }
  /** Only the stored state changes (no IAM call): the old key was deactivated by someone, the rotation finished or cannot go on. */
  | {
      readonly kind: 'record-rotation';
      readonly user: string;
      readonly userArn: string;
      readonly state: RotationState;
      readonly phase: 'old-deactivated' | 'done' | 'abandoned';
      readonly note: string;
    };

/** Actions that change IAM count against the cap; recording a rotation's phase does not. */
export const changesIam = (action: KeyAction): boolean => action.kind !== 'record-rotation';

/** What iam-warden does (or would do) about one finding, and when. */
export interface PlannedAction {
  readonly action: 'none' | 'deactivate' | 'rotate' | 'deactivate-old-key' | 'delete-old-key' | 'wait';
  /** ISO time the action is due (now or later); absent for none. */
  readonly at?: string;
  readonly dryRun: boolean;
  /** One plain sentence. */
  readonly description: string;
}

export interface Decision {
  readonly findings: Detected[];
  /** Finding ids this audit still sees (every other open finding of a key rule is resolved). */
  readonly seen: ReadonlySet<string>;
  /** Changes to make now, within the cap, in order. */
  readonly actions: KeyAction[];
  /** Changes due but left for a later run because of the cap. */
  readonly deferred: KeyAction[];
  readonly capHit: boolean;
  /** Users that may need an action but have no facts yet, most urgent first. */
  readonly needFacts: string[];
  /** Users not acted on, and why (exempt...). */
  readonly skipped: { readonly user: string; readonly reason: string }[];
}

export const auditEventId = (generatedTime: string): string => `audit:${generatedTime}`;

export const accountOfArn = (arn: string): string => arn.split(':')[4] ?? '';

const iso = (time: number): string => new Date(time).toISOString();
const reached = (now: Date, since: Date | undefined, days: number): boolean => since !== undefined && now.getTime() - since.getTime() >= days * DAY_MS;
const wholeDays = (now: Date, since: Date | undefined): number | undefined =>
  since === undefined ? undefined : Math.floor((now.getTime() - since.getTime()) / DAY_MS);
const slotScope = (slot: KeySlot): string => `access_key_${slot}`;

/** Exemption: the `iam-warden:exempt` tag with a reason, or membership of a configured group. */
export function exemptionOf(facts: UserFacts, settings: KeySettings): string | undefined {
  const reason = facts.tags[EXEMPT_TAG]?.trim();
  if (reason !== undefined && reason !== '') return `tag ${EXEMPT_TAG}: ${reason}`;
  const group = facts.groups.find((name) => settings.exemptGroups.includes(name));
  return group === undefined ? undefined : `member of exempt group ${group}`;
}

/** The listed key that is report slot N: the report has no key ids, its last_rotated is the key's CreateDate. */
export function keyInSlot(key: ReportKey, listed: readonly ListedKey[]): ListedKey | undefined {
  const created = key.lastRotated?.getTime();
  if (created === undefined) return undefined;
  const matches = listed.filter((candidate) => Math.abs(candidate.createDate.getTime() - created) < 2_000);
  return matches.length === 1 ? matches[0] : undefined;
}

function slotOfKey(row: CredentialReportRow, listed: readonly ListedKey[], accessKeyId: string | undefined): ReportKey | undefined {
  if (accessKeyId === undefined) return undefined;
  return row.keys.find((key) => keyInSlot(key, listed)?.accessKeyId === accessKeyId);
}

/** IAM allows two keys per user, active or not: the report lists both slots, the listing is authoritative. */
const hasTwoKeys = (row: CredentialReportRow, facts: UserFacts | undefined): boolean =>
  (facts?.keys.length ?? 0) >= 2 || row.keys.every((key) => key.lastRotated !== undefined);

// ---------------------------------------------------------------------------------------------

interface KeyView {
  readonly slot: KeySlot;
  readonly key: ReportKey;
  readonly listed: ListedKey | undefined;
  readonly neverUsed: boolean;
  readonly unused: boolean;
  readonly rotationDue: boolean;
  readonly hardLimit: boolean;
}

function viewKey(row: CredentialReportRow, slot: KeySlot, input: DecideInput): KeyView {
  const { now, settings } = input;
  const key = row.keys[slot - 1] as ReportKey;
  const facts = input.facts.get(row.user);
  const neverUsed = key.lastUsed === undefined;
  return {
    slot,
    key,
    listed: facts === undefined ? undefined : keyInSlot(key, facts.keys),
    neverUsed,
    // A never-used key is unused since its creation.
    unused: reached(now, key.lastUsed ?? key.lastRotated, settings.unusedDays),
    rotationDue: reached(now, key.lastRotated, settings.rotationDays),
    hardLimit: settings.hardLimitDays > 0 && reached(now, key.lastRotated, settings.hardLimitDays),
  };
}

/** What would happen to an active key of a non-root user, as a plan (the mode decides if it is executed). */
function planFor(view: KeyView, row: CredentialReportRow, input: DecideInput): PlannedAction {
  const { now, settings } = input;
  const dryRun = settings.mode === 'report';
  const prefix = dryRun ? 'Dry run: iam-warden would ' : 'iam-warden will ';
  const rotation = input.rotations.get(row.user);
  const facts = input.facts.get(row.user);
  if (facts !== undefined) {
    const exemption = exemptionOf(facts, settings);
    if (exemption !== undefined) return { action: 'none', dryRun, description: `No action: the user is exempt (${exemption}).` };
  }
  if (isRotationInProgress(rotation) && rotation !== undefined && (view.listed === undefined || view.listed.accessKeyId === rotation.oldKeyId)) {
    if (rotation.phase === 'old-deactivated')
      return {
        action: 'delete-old-key',
        at: rotation.deleteAt,
        dryRun,
        description: `Rotation in progress: the old key ${rotation.oldKeyId} is inactive and will be deleted at ${rotation.deleteAt}.`,
      };
    return {
      action: 'deactivate-old-key',
      at: rotation.deactivateAt,
      dryRun,
      description: `Rotation in progress since ${rotation.startedAt}: the new key is in Secrets Manager (${rotation.secretName}); the old key ${rotation.oldKeyId} will be deactivated at ${rotation.deactivateAt} (earlier once the new key is used and the old one is not) and deleted at ${rotation.deleteAt}.`,
    };
  }
  if (rotation !== undefined && abandonedFor(rotation, view.listed?.accessKeyId)) {
    return { action: 'none', dryRun, description: `Rotation stopped (${rotation.note ?? 'abandoned'}); rotate this key by hand.` };
  }
  const nowIso = now.toISOString();
  if (view.unused)
    return {
      action: 'deactivate',
      at: nowIso,
      dryRun,
      description: `${prefix}deactivate this unused key now${dryRun ? ' in deactivate or rotate mode' : ''}.`,
    };
  if (settings.mode === 'deactivate') {
    if (settings.hardLimitDays > 0 && view.key.lastRotated !== undefined) {
      const at = iso(view.key.lastRotated.getTime() + settings.hardLimitDays * DAY_MS);
      return {
        action: 'deactivate',
        at: view.hardLimit ? nowIso : at,
        dryRun,
        description: `iam-warden will deactivate this key when it reaches the hard limit of ${settings.hardLimitDays} days (${view.hardLimit ? 'now' : at}).`,
      };
    }
    return { action: 'none', dryRun, description: 'No action in deactivate mode until the key is unused; rotate it by hand.' };
  }
  if (view.rotationDue && !view.neverUsed) {
    const deactivateAt = iso(now.getTime() + settings.installGraceDays * DAY_MS);
    const deleteAt = iso(now.getTime() + (settings.installGraceDays + settings.recoveryGraceDays) * DAY_MS);
    if (hasTwoKeys(row, facts)) {
      return { action: 'none', dryRun, description: 'Cannot rotate: the user already has two keys (IAM allows two); delete the one not in use by hand.' };
    }
    return {
      action: 'rotate',
      at: nowIso,
      dryRun,
      description: `${prefix}rotate it: create a new key stored in Secrets Manager for the user, deactivate this key at ${deactivateAt} (earlier once the new key is used) and delete it at ${deleteAt}.`,
    };
  }
  if (view.neverUsed && view.key.lastRotated !== undefined) {
    const at = iso(view.key.lastRotated.getTime() + settings.unusedDays * DAY_MS);
    return { action: 'deactivate', at, dryRun, description: `${prefix}deactivate this key at ${at} if it is still unused.` };
  }
  if (view.key.lastRotated !== undefined) {
    const at = iso(view.key.lastRotated.getTime() + settings.rotationDays * DAY_MS);
    return { action: 'rotate', at, dryRun, description: `${prefix}rotate this key at ${at}.` };
  }
  return { action: 'none', dryRun, description: 'No action planned.' };
}

// ---------------------------------------------------------------------------------------------

interface FindingParts {
  readonly rule: KeyRule;
  readonly severity: Severity;
  readonly row: CredentialReportRow;
  readonly scope: string | undefined;
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

function detected(parts: FindingParts, input: DecideInput): Detected {
  const { rule, row, scope } = parts;
  const account = accountOfArn(row.arn);
  return {
    findingId: findingIdOf(rule.id, account, row.arn, scope),
    ruleId: rule.id,
    severity: parts.severity,
    title: rule.title,
    eventId: auditEventId(input.report.generatedTime),
    eventName: 'CredentialReportAudit',
    eventTime: input.report.generatedTime,
    account,
    region: 'global',
    actor: 'iam-warden',
    actorType: 'Audit',
    mfaAuthenticated: undefined,
    sourceIp: undefined,
    userAgent: undefined,
    resource: row.arn,
    scope,
    summary: parts.summary,
    details: redactSecrets({
      user: row.user,
      cis: rule.references.cis?.[0],
      securityHub: rule.references.securityHub?.[0],
      remediation: rule.remediation,
      ...parts.details,
    }),
  };
}

function keyDetails(view: KeyView, now: Date): Record<string, unknown> {
  return {
    keySlot: view.slot,
    ...(view.listed === undefined ? {} : { accessKeyId: view.listed.accessKeyId }),
    createdAt: view.key.lastRotated?.toISOString(),
    ageDays: wholeDays(now, view.key.lastRotated),
    lastUsedAt: view.key.lastUsed?.toISOString() ?? null,
    lastUsedService: view.key.lastUsedService,
    lastUsedRegion: view.key.lastUsedRegion,
  };
}

function rotationDetails(rotation: RotationState | undefined): Record<string, unknown> {
  if (rotation === undefined) return {};
  return {
    rotation: {
      phase: rotation.phase,
      startedAt: rotation.startedAt,
      oldKeyId: rotation.oldKeyId,
      newKeyId: rotation.newKeyId,
      deactivateAt: rotation.deactivateAt,
      deleteAt: rotation.deleteAt,
      newKeyStoredAt: rotation.phase === 'starting' || rotation.phase === 'key-created' ? undefined : rotation.secretName,
      note: rotation.note,
    },
  };
}

function findingsForRow(row: CredentialReportRow, input: DecideInput): Detected[] {
  const { now, settings } = input;
  const out: Detected[] = [];
  const add = (parts: FindingParts): void => void out.push(detected(parts, input));

  if (row.isRoot) {
    for (const slot of [1, 2] as const) {
      const key = row.keys[slot - 1] as ReportKey;
      if (!key.active) continue;
      const view = viewKey(row, slot, input);
      add({
        rule: KEY_RULES.rootAccessKeyExists,
        severity: 'critical',
        row,
        scope: slotScope(slot),
        summary: `The root user has an active access key (key ${slot}${key.lastUsed === undefined ? ', never used' : `, last used ${key.lastUsed.toISOString()}`}); delete it by hand as the root user.`,
        details: {
          ...keyDetails(view, now),
          plannedAction: { action: 'none', dryRun: true, description: KEY_RULES.rootAccessKeyExists.remediation } satisfies PlannedAction,
        },
      });
    }
    if (!row.mfaActive) {
      add({
        rule: KEY_RULES.rootMfaDisabled,
        severity: 'critical',
        row,
        scope: undefined,
        summary: 'The root user has no MFA device; assign one now.',
        details: {
          plannedAction: { action: 'none', dryRun: true, description: 'iam-warden does not change MFA; assign a device by hand.' } satisfies PlannedAction,
        },
      });
    }
    return out;
  }

  const facts = input.facts.get(row.user);
  const owner = facts?.tags[OWNER_TAG];
  const ownerDetails = owner === undefined ? {} : { owner };
  const rotation = input.rotations.get(row.user);

  if (row.consoleAccess && !row.mfaActive) {
    add({
      rule: KEY_RULES.consoleUserWithoutMfa,
      severity: 'high',
      row,
      scope: 'console',
      summary: `User ${row.user} can sign in to the console without MFA.`,
      details: {
        ...ownerDetails,
        consoleLastUsedAt: row.consoleLastUsed?.toISOString() ?? null,
        plannedAction: {
          action: 'none',
          dryRun: true,
          description: 'iam-warden does not change console logins or MFA; assign an MFA device or remove the login.',
        } satisfies PlannedAction,
      },
    });
  }
  const consoleSince = row.consoleLastUsed ?? row.consoleLastChanged ?? row.userCreationTime;
  if (row.consoleAccess && reached(now, consoleSince, settings.unusedDays)) {
    add({
      rule: KEY_RULES.credentialsUnused,
      severity: 'medium',
      row,
      scope: 'console',
      summary: `User ${row.user}'s console login has not been used for ${wholeDays(now, consoleSince)} days${row.consoleLastUsed === undefined ? ' (never used)' : ''}.`,
      details: {
        ...ownerDetails,
        consoleLastUsedAt: row.consoleLastUsed?.toISOString() ?? null,
        unusedDays: wholeDays(now, consoleSince),
        plannedAction: {
          action: 'none',
          dryRun: true,
          description: 'iam-warden acts only on access keys; remove the console login by hand.',
        } satisfies PlannedAction,
      },
    });
  }

  for (const slot of [1, 2] as const) {
    const view = viewKey(row, slot, input);
    if (!view.key.active) continue;
    const plan = planFor(view, row, input);
    const rotationOfKey = rotation !== undefined && (view.listed === undefined || view.listed.accessKeyId === rotation.oldKeyId) ? rotation : undefined;
    const common = {
      ...keyDetails(view, now),
      ...ownerDetails,
      ...rotationDetails(isRotationInProgress(rotationOfKey) ? rotationOfKey : undefined),
      plannedAction: plan,
    };
    const ageDays = wholeDays(now, view.key.lastRotated);
    if (view.neverUsed && reached(now, view.key.lastRotated, settings.neverUsedGraceDays)) {
      add({
        rule: KEY_RULES.accessKeyNeverUsed,
        severity: 'medium',
        row,
        scope: slotScope(slot),
        summary: `User ${row.user}'s access key ${slot} was created ${ageDays} days ago and has never been used. ${plan.description}`,
        details: common,
      });
    }
    if (!view.neverUsed && view.unused) {
      const unusedDays = wholeDays(now, view.key.lastUsed);
      add({
        rule: KEY_RULES.credentialsUnused,
        severity: 'medium',
        row,
        scope: slotScope(slot),
        summary: `User ${row.user}'s access key ${slot} has not been used for ${unusedDays} days. ${plan.description}`,
        details: { ...common, unusedDays },
      });
    }
    if (view.rotationDue) {
      const severity: Severity = reached(now, view.key.lastRotated, settings.rotationHighDays) ? 'high' : 'medium';
      add({
        rule: KEY_RULES.accessKeyNotRotated,
        severity,
        row,
        scope: slotScope(slot),
        summary: `User ${row.user}'s access key ${slot} is ${ageDays} days old (rotation age ${settings.rotationDays}). ${plan.description}`,
        details: common,
      });
    }
  }
  if (row.keys[0].active && row.keys[1].active && !isRotationInProgress(rotation)) {
    add({
      rule: KEY_RULES.twoActiveAccessKeys,
      severity: 'medium',
      row,
      scope: undefined,
      summary: `User ${row.user} has two active access keys outside a rotation; keep one.`,
      details: {
        ...ownerDetails,
        plannedAction: {
          action: 'none',
          dryRun: true,
          description: 'iam-warden does not choose which of two used keys to keep; deactivate the unused one by hand.',
        } satisfies PlannedAction,
      },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const newKeyInUse = (row: CredentialReportRow, facts: UserFacts, state: RotationState): boolean => {
  const key = slotOfKey(row, facts.keys, state.newKeyId);
  return key?.lastUsed !== undefined && key.lastUsed.getTime() >= new Date(state.startedAt).getTime();
};

/** The next step of a stored rotation, or undefined when there is nothing to do now. */
function advanceRotation(row: CredentialReportRow, facts: UserFacts, state: RotationState, now: Date, settings: KeySettings): KeyAction | undefined {
  const base = { user: row.user, userArn: row.arn, state };
  const old = facts.keys.find((key) => key.accessKeyId === state.oldKeyId);
  const leaseHeld = state.leaseUntil !== undefined && new Date(state.leaseUntil).getTime() > now.getTime();
  switch (state.phase) {
    case 'starting':
    case 'key-created': {
      if (leaseHeld) return undefined; // another run is at work
      if (old === undefined) return { kind: 'record-rotation', ...base, phase: 'abandoned', note: 'the old key was deleted before the new key was delivered' };
      const started = new Date(state.startedAt).getTime();
      // Keys created by the dead run: never delivered (their secret is lost), so nobody can be using them.
      const undelivered = facts.keys.filter(
        (key) => key.accessKeyId !== state.oldKeyId && (key.accessKeyId === state.newKeyId || key.createDate.getTime() >= started - 2_000),
      );
      const used = undelivered.filter((key) => slotOfKey(row, facts.keys, key.accessKeyId)?.lastUsed !== undefined);
      if (used.length > 0)
        return {
          kind: 'record-rotation',
          ...base,
          phase: 'abandoned',
          note: `key ${used[0]?.accessKeyId} appeared during the rotation and is in use: left alone`,
        };
      return { kind: 'resume-rotation', user: row.user, userArn: row.arn, state, undeliveredKeyIds: undelivered.map((key) => key.accessKeyId) };
    }
    case 'delivered': {
      if (old === undefined) return { kind: 'record-rotation', ...base, phase: 'done', note: 'the old key was deleted by someone else' };
      if (!facts.keys.some((key) => key.accessKeyId === state.newKeyId))
        return { kind: 'record-rotation', ...base, phase: 'abandoned', note: 'the new key was deleted; the old key is left alone' };
      // Deactivated by someone (or by a run that died before recording it): the recovery grace still applies.
      if (old.status === 'Inactive') return { kind: 'record-rotation', ...base, phase: 'old-deactivated', note: 'the old key is inactive' };
      if (now.getTime() >= new Date(state.deactivateAt).getTime()) return { kind: 'deactivate-old-key', ...base, early: false };
      const oldLastUsed = slotOfKey(row, facts.keys, state.oldKeyId)?.lastUsed;
      const oldQuiet = oldLastUsed === undefined || now.getTime() - oldLastUsed.getTime() >= settings.earlyDeactivationQuietDays * DAY_MS;
      if (newKeyInUse(row, facts, state) && oldQuiet) return { kind: 'deactivate-old-key', ...base, early: true };
      return undefined;
    }
    case 'old-deactivated': {
      if (old === undefined) return { kind: 'record-rotation', ...base, phase: 'done', note: 'the old key was deleted by someone else' };
      if (old.status === 'Active') return { kind: 'record-rotation', ...base, phase: 'abandoned', note: 'someone reactivated the old key: left alone' };
      if (now.getTime() < new Date(state.deleteAt).getTime()) return undefined;
      const oldLastUsed = slotOfKey(row, facts.keys, state.oldKeyId)?.lastUsed;
      const usedRecently = oldLastUsed !== undefined && now.getTime() - oldLastUsed.getTime() < settings.recentUseDays * DAY_MS;
      if (usedRecently && !newKeyInUse(row, facts, state)) return undefined; // never delete a recently used key without its replacement in use
      return { kind: 'delete-old-key', ...base };
    }
    default:
      return undefined;
  }
}

/** A rotation of this very key stopped for a reason a person must look at: never restarted automatically. */
const abandonedFor = (state: RotationState | undefined, accessKeyId: string | undefined): boolean =>
  state?.phase === 'abandoned' && accessKeyId !== undefined && state.oldKeyId === accessKeyId;

/** The changes one user needs under the mode (facts known, not exempt). */
function actionsForUser(row: CredentialReportRow, facts: UserFacts, input: DecideInput): KeyAction[] {
  const { now, settings } = input;
  const state = input.rotations.get(row.user);
  if (isRotationInProgress(state) && state !== undefined) {
    // Only rotate mode moves a rotation on (it may create and delete keys); other modes leave it as it is.
    if (settings.mode !== 'rotate') return [];
    const step = advanceRotation(row, facts, state, now, settings);
    return step === undefined ? [] : [step];
  }
  const actions: KeyAction[] = [];
  let rotationStarted = false;
  for (const slot of [1, 2] as const) {
    const view = viewKey(row, slot, input);
    if (!view.key.active || view.listed === undefined || view.listed.status !== 'Active') continue;
    const base = { user: row.user, userArn: row.arn, accessKeyId: view.listed.accessKeyId };
    if (view.unused) actions.push({ kind: 'deactivate-key', ...base, reason: 'unused' });
    else if (settings.mode === 'deactivate' && view.hardLimit) actions.push({ kind: 'deactivate-key', ...base, reason: 'hard-limit' });
    else if (
      settings.mode === 'rotate' &&
      view.rotationDue &&
      !view.neverUsed &&
      !rotationStarted &&
      !hasTwoKeys(row, facts) &&
      !abandonedFor(state, view.listed.accessKeyId)
    ) {
      rotationStarted = true;
      actions.push({
        kind: 'start-rotation',
        user: row.user,
        userArn: row.arn,
        oldKeyId: view.listed.accessKeyId,
        owner: facts.tags[OWNER_TAG],
        previous: state,
      });
    }
  }
  return actions;
}

/** Could this user need a change under the mode? Decided from the report alone, before any IAM call. */
function mayNeedAction(row: CredentialReportRow, input: DecideInput): boolean {
  if (row.isRoot || input.settings.mode === 'report') return false;
  if (isRotationInProgress(input.rotations.get(row.user))) return input.settings.mode === 'rotate';
  return ([1, 2] as const).some((slot) => {
    const view = viewKey(row, slot, input);
    if (!view.key.active) return false;
    if (view.unused) return true;
    if (input.settings.mode === 'deactivate') return view.hardLimit;
    return view.rotationDue && !view.neverUsed && !hasTwoKeys(row, undefined);
  });
}

const ACTION_ORDER: Record<KeyAction['kind'], number> = {
  'record-rotation': 0,
  'resume-rotation': 1,
  'delete-old-key': 2,
  'deactivate-old-key': 3,
  'deactivate-key': 4,
  'start-rotation': 5,
};

export function decide(input: DecideInput): Decision {
  const { report, settings } = input;
  const findings = report.rows.flatMap((row) => findingsForRow(row, input));
  const candidates: KeyAction[] = [];
  const needFacts: { user: string; urgent: boolean }[] = [];
  const skipped: { user: string; reason: string }[] = [];
  for (const row of report.rows) {
    if (!mayNeedAction(row, input)) continue;
    const facts = input.facts.get(row.user);
    if (facts === undefined) {
      needFacts.push({ user: row.user, urgent: isRotationInProgress(input.rotations.get(row.user)) });
      continue;
    }
    const exemption = exemptionOf(facts, settings);
    if (exemption !== undefined) {
      skipped.push({ user: row.user, reason: exemption });
      continue;
    }
    candidates.push(...actionsForUser(row, facts, input));
  }
  // Stable order: finish what is in progress first, then new changes; users by name within a kind.
  candidates.sort((a, b) => ACTION_ORDER[a.kind] - ACTION_ORDER[b.kind] || a.user.localeCompare(b.user));
  const actions: KeyAction[] = [];
  const deferred: KeyAction[] = [];
  let changes = 0;
  for (const action of candidates) {
    if (!changesIam(action)) actions.push(action);
    else if (changes < settings.maxActionsPerRun) {
      actions.push(action);
      changes += 1;
    } else deferred.push(action);
  }
  return {
    findings,
    seen: new Set(findings.map((finding) => finding.findingId)),
    actions,
    deferred,
    capHit: deferred.length > 0,
    needFacts: [...needFacts.filter((n) => n.urgent), ...needFacts.filter((n) => !n.urgent)].map((n) => n.user),
    skipped,
  };
}

/** An open finding as the findings table lists it (FindingSummary fits). */
export interface OpenFinding {
  readonly id: string;
  readonly ruleId: string;
  readonly resource: string;
}

/**
 * Which open findings the audit no longer sees: those of a key rule, in the audited account, that this
 * audit did not raise (the risk is gone, or the user is). Returned as resolutions addressed by
 * finding id, dated by the report, for FindingsStore.apply / FindingsBatch.add.
 */
export function resolutionsAmong(
  open: readonly OpenFinding[],
  report: Pick<CredentialReport, 'generatedTime'>,
  account: string,
  seen: ReadonlySet<string>,
): Resolution[] {
  return open
    .filter((finding) => (KEY_RULE_IDS as readonly string[]).includes(finding.ruleId) && accountOfArn(finding.resource) === account && !seen.has(finding.id))
    .map((finding) => ({
      ruleId: finding.ruleId,
      account,
      resource: finding.resource,
      scope: undefined,
      findingId: finding.id,
      reason: `no longer seen by the key audit of the credential report of ${report.generatedTime}`,
      eventId: auditEventId(report.generatedTime),
      eventTime: report.generatedTime,
      actor: 'iam-warden',
    }));
}
