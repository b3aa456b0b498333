/**
 * What iam-warden did in a rotation, stored (never guessed from key dates). One record per IAM user;
 * a finished rotation is restarted by a conditional update, so two runs can never both start one.
 *
 * Phases:
 *   starting        claimed by a run (lease) before CreateAccessKey; newKeyId unknown yet
 *   key-created     CreateAccessKey done, newKeyId recorded, secret not stored yet (lease)
 *   delivered       secret stored in Secrets Manager; waiting for installation grace
 *   old-deactivated old key inactive; waiting for recovery grace
 *   done            old key deleted (or gone); a later rotation may restart the record
 *   abandoned       the new key vanished or the old one was used again: nothing more is done automatically
 */
export const ROTATION_PHASES = ['starting', 'key-created', 'delivered', 'old-deactivated', 'done', 'abandoned'] as const;
export type RotationPhase = (typeof ROTATION_PHASES)[number];

export interface RotationState {
  readonly user: string;
  readonly userArn: string;
  readonly phase: RotationPhase;
  readonly oldKeyId: string;
  readonly newKeyId: string | undefined;
  /** ISO times. */
  readonly startedAt: string;
  readonly deactivateAt: string;
  readonly deleteAt: string;
  /** While starting / key-created: another run may take over only after this time. */
  readonly leaseUntil: string | undefined;
  readonly secretName: string;
  readonly owner: string | undefined;
  readonly updatedAt: string;
  /** Why the rotation stopped or what happened last, in plain words. */
  readonly note: string | undefined;
  /** Incremented on every write; updates are conditional on it. */
  readonly version: number;
}

/** A rotation that still needs the old key handled (not done, not abandoned). */
export const isRotationInProgress = (state: RotationState | undefined): boolean => state !== undefined && state.phase !== 'done' && state.phase !== 'abandoned';

export interface RotationStateStore {
  /** Every stored rotation (one per user); a few hundred at most, read once per run. */
  list(): Promise<RotationState[]>;
  get(user: string): Promise<RotationState | undefined>;
  /** Stores `state` (version 1) unless a record for the user exists; false when it does. */
  putIfAbsent(state: RotationState): Promise<boolean>;
  /** Replaces the record when its stored version is `expectedVersion`; `next.version` must be expectedVersion + 1. False otherwise. */
  updateIfVersion(next: RotationState, expectedVersion: number): Promise<boolean>;
}

/** For tests and the offline CLI. */
export class InMemoryRotationStateStore implements RotationStateStore {
  readonly #states = new Map<string, RotationState>();

  constructor(initial: readonly RotationState[] = []) {
    for (const state of initial) this.#states.set(state.user, state);
  }

  async list(): Promise<RotationState[]> {
    return [...this.#states.values()];
  }

  async get(user: string): Promise<RotationState | undefined> {
    return this.#states.get(user);
  }

  async putIfAbsent(state: RotationState): Promise<boolean> {
    if (this.#states.has(state.user)) return false;
    this.#states.set(state.user, { ...state, version: 1 });
    return true;
  }

  async updateIfVersion(next: RotationState, expectedVersion: number): Promise<boolean> {
    const current = this.#states.get(next.user);
    if (current === undefined || current.version !== expectedVersion) return false;
    this.#states.set(next.user, { ...next, version: expectedVersion + 1 });
    return true;
  }
}
