/**
 * The details key-audit findings carry, shared by the checks so every finding about a key reads the
 * same. Never a field name redactSecrets would hide (`password...`, `secret...`).
 */
import type { KeyAuditContext } from './key-audit-rule.js';
import type { PlannedAction } from './rotation-planner.js';
import { isRotationInProgress, type RotationState } from './rotation-state.js';
import { OWNER_TAG, wholeDays, type KeyView, type UserFacts } from './user-view.js';

/** The plan of a finding iam-warden never acts on: what a person should do. */
export const byHand = (description: string): PlannedAction => ({ action: 'none', dryRun: true, description });

/** The user's `owner` tag, once the user is listed. */
export function ownerDetails(facts: UserFacts | undefined): Record<string, unknown> {
  const owner = facts?.tags[OWNER_TAG];
  return owner === undefined ? {} : { owner };
}

export function keyDetails(view: KeyView, now: Date): Record<string, unknown> {
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

function rotationDetails(rotation: RotationState): Record<string, unknown> {
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

/** An active key of a non-root user: the key, its owner, the rotation of this key in progress, and the plan. */
export function activeKeyDetails(view: KeyView, context: KeyAuditContext): Record<string, unknown> {
  const { rotation } = context;
  // Before the user is listed the slot's key id is unknown: the stored rotation is taken to be of this key.
  const ofThisKey = rotation !== undefined && (view.listed === undefined || view.listed.accessKeyId === rotation.oldKeyId);
  return {
    ...keyDetails(view, context.now),
    ...ownerDetails(context.facts),
    ...(ofThisKey && isRotationInProgress(rotation) ? rotationDetails(rotation) : {}),
    plannedAction: context.planFor(view.slot),
  };
}
