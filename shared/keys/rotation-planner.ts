/**
 * The rotation planner: pure. Which changes the mode calls for (deactivate a key, start, move on or
 * stop a rotation), which users must be listed first, what stays within the cap, and, for findings,
 * what iam-warden does (or would do) about each active key. act.ts executes the changes.
 */
import type { CredentialReportRow, ReportKey } from './credential-report.js';
import { isRotationInProgress, type RotationState } from './rotation-state.js';
import type { KeySettings } from './settings.js';
import {
  DAY_MS,
  KEY_SLOTS,
  OWNER_TAG,
  keyInSlot,
  userStateOf,
  viewKey,
  type AuditState,
  type KeyView,
  type ListedKey,
  type UserFacts,
  type UserState,
} from './user-view.js';

export const EXEMPT_TAG = 'iam-warden:exempt';

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

/** The changes of one run. */
export interface ChangePlan {
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

const iso = (time: number): string => new Date(time).toISOString();

/** Exemption: the `iam-warden:exempt` tag with a reason, or membership of a configured group. */
export function exemptionOf(facts: UserFacts, settings: KeySettings): string | undefined {
  const reason = facts.tags[EXEMPT_TAG]?.trim();
  if (reason !== undefined && reason !== '') return `tag ${EXEMPT_TAG}: ${reason}`;
  const group = facts.groups.find((name) => settings.exemptGroups.includes(name));
  return group === undefined ? undefined : `member of exempt group ${group}`;
}

function slotOfKey(row: CredentialReportRow, listed: readonly ListedKey[], accessKeyId: string | undefined): ReportKey | undefined {
  if (accessKeyId === undefined) return undefined;
  return row.keys.find((key) => keyInSlot(key, listed)?.accessKeyId === accessKeyId);
}

/** IAM allows two keys per user, active or not: the report lists both slots, the listing is authoritative. */
const hasTwoKeys = (row: CredentialReportRow, facts: UserFacts | undefined): boolean =>
  (facts?.keys.length ?? 0) >= 2 || row.keys.every((key) => key.lastRotated !== undefined);

/** A rotation of this very key stopped for a reason a person must look at: never restarted automatically. */
const abandonedFor = (state: RotationState | undefined, accessKeyId: string | undefined): boolean =>
  state?.phase === 'abandoned' && accessKeyId !== undefined && state.oldKeyId === accessKeyId;

/** What would happen to an active key of a non-root user, as a plan (the mode decides if it is executed). */
export function plannedActionFor(row: CredentialReportRow, view: KeyView, user: UserState): PlannedAction {
  const { now, settings, rotation, facts } = user;
  const dryRun = settings.mode === 'report';
  const prefix = dryRun ? 'Dry run: iam-warden would ' : 'iam-warden will ';
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

/** The changes one user needs under the mode (facts known, not exempt). */
function actionsForUser(row: CredentialReportRow, facts: UserFacts, user: UserState): KeyAction[] {
  const { now, settings, rotation: state } = user;
  if (isRotationInProgress(state) && state !== undefined) {
    // Only rotate mode moves a rotation on (it may create and delete keys); other modes leave it as it is.
    if (settings.mode !== 'rotate') return [];
    const step = advanceRotation(row, facts, state, now, settings);
    return step === undefined ? [] : [step];
  }
  const actions: KeyAction[] = [];
  let rotationStarted = false;
  for (const slot of KEY_SLOTS) {
    const view = viewKey(row, slot, user);
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
function mayNeedAction(row: CredentialReportRow, user: UserState): boolean {
  const { settings } = user;
  if (row.isRoot || settings.mode === 'report') return false;
  if (isRotationInProgress(user.rotation)) return settings.mode === 'rotate';
  return KEY_SLOTS.some((slot) => {
    const view = viewKey(row, slot, user);
    if (!view.key.active) return false;
    if (view.unused) return true;
    if (settings.mode === 'deactivate') return view.hardLimit;
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

/** The changes the mode calls for over the whole report, within the cap. */
export function planChanges(rows: readonly CredentialReportRow[], state: AuditState): ChangePlan {
  const candidates: KeyAction[] = [];
  const needFacts: { user: string; urgent: boolean }[] = [];
  const skipped: { user: string; reason: string }[] = [];
  for (const row of rows) {
    const user = userStateOf(row, state);
    if (!mayNeedAction(row, user)) continue;
    if (user.facts === undefined) {
      needFacts.push({ user: row.user, urgent: isRotationInProgress(user.rotation) });
      continue;
    }
    const exemption = exemptionOf(user.facts, state.settings);
    if (exemption !== undefined) {
      skipped.push({ user: row.user, reason: exemption });
      continue;
    }
    candidates.push(...actionsForUser(row, user.facts, user));
  }
  // Stable order: finish what is in progress first, then new changes; users by name within a kind.
  candidates.sort((a, b) => ACTION_ORDER[a.kind] - ACTION_ORDER[b.kind] || a.user.localeCompare(b.user));
  const actions: KeyAction[] = [];
  const deferred: KeyAction[] = [];
  let changes = 0;
  for (const action of candidates) {
    if (!changesIam(action)) actions.push(action);
    else if (changes < state.settings.maxActionsPerRun) {
      actions.push(action);
      changes += 1;
    } else deferred.push(action);
  }
  return {
    actions,
    deferred,
    capHit: deferred.length > 0,
    needFacts: [...needFacts.filter((n) => n.urgent), ...needFacts.filter((n) => !n.urgent)].map((n) => n.user),
    skipped,
  };
}
