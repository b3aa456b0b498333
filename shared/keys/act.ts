/**
 * Executes decided key actions. The clients are passed in. The secret access key of a new key goes to
 * Secrets Manager and nowhere else: not into a log, an outcome, a finding or an error message.
 *
 * A rotation is claimed in the state store (conditional write) BEFORE CreateAccessKey, so a retried
 * or overlapping run never creates a second new key. When storing the secret fails after the key was
 * created, the new key is deleted at once (its secret is lost with this process, nobody can ever use
 * it) and the rotation is released so the next run starts over; if even that fails, the next run
 * finds the rotation's lease expired, deletes the undelivered key and starts over.
 */
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  UpdateAccessKeyCommand,
  paginateListAccessKeys,
  paginateListGroupsForUser,
  paginateListUserTags,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { redactString } from '../findings/redact.js';
import { ROOT_USER } from './credential-report.js';
import type { KeyAction } from './rotation-planner.js';
import type { FieldLogger as Logger } from '../logging/logger.js';
import type { RotationPhase, RotationState, RotationStateStore } from './rotation-state.js';
import type { KeySettings } from './settings.js';
import { DAY_MS, type ListedKey, type UserFacts } from './user-view.js';

export interface ActContext {
  readonly iam: IAMClient;
  readonly secretsManager: SecretsManagerClient;
  readonly rotationStates: RotationStateStore;
  readonly settings: KeySettings;
  readonly now: Date;
  readonly logger: Logger;
}

export interface ActionOutcome {
  readonly kind: KeyAction['kind'];
  readonly user: string;
  readonly status: 'done' | 'skipped' | 'failed';
  /** Plain words; never a secret. */
  readonly detail: string;
  readonly accessKeyId?: string;
  readonly newKeyId?: string;
}

/** Sent to the key's owner (the user's `owner` tag) through the finding and its alert. */
export interface RotationNotice {
  readonly user: string;
  readonly owner: string | undefined;
  readonly newKeyId: string;
  readonly secretName: string;
  readonly oldKeyId: string;
  readonly deactivateAt: string;
  readonly deleteAt: string;
}

/** The per-user facts: ListAccessKeys, ListUserTags, ListGroupsForUser, every page. */
export async function listUserFacts(iam: IAMClient, user: string): Promise<UserFacts> {
  const keys: ListedKey[] = [];
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: user })) {
    for (const key of page.AccessKeyMetadata ?? []) {
      if (key.AccessKeyId === undefined || key.CreateDate === undefined) continue;
      keys.push({ accessKeyId: key.AccessKeyId, status: key.Status === 'Active' ? 'Active' : 'Inactive', createDate: key.CreateDate });
    }
  }
  const tags: Record<string, string> = {};
  for await (const page of paginateListUserTags({ client: iam }, { UserName: user })) {
    for (const tag of page.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  const groups: string[] = [];
  for await (const page of paginateListGroupsForUser({ client: iam }, { UserName: user })) {
    for (const group of page.Groups ?? []) if (group.GroupName !== undefined) groups.push(group.GroupName);
  }
  return { keys, tags, groups };
}

/**
 * The secret of one user. Secrets Manager names allow letters, digits and /_+=.@-; IAM user names
 * also allow a comma. Escaped one-to-one (`=` as `=3D`, `,` as `=2C`), so two users never share one
 * secret: `a,b` and `a-b` must not read each other's key.
 */
export const secretNameFor = (prefix: string, user: string): string =>
  `${prefix}${user.replace(/[^A-Za-z0-9/_+.@-]/g, (character) => `=${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;

/** Only the user may read its secret: everyone else (iam-warden included) is denied GetSecretValue. */
export function secretPolicyFor(userArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnerReads',
        Effect: 'Allow',
        Principal: { AWS: userArn },
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: '*',
      },
      {
        Sid: 'NobodyElseReads',
        Effect: 'Deny',
        Principal: '*',
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalArn': userArn } },
      },
    ],
  });
}

/**
 * Whether DescribeSecret's KmsKeyId is the configured key. It omits the field for the default
 * aws/secretsmanager key and otherwise gives a key id or an ARN, while the setting may be an id, an
 * alias or an ARN: one that names the key another way (an alias for a key ARN) counts as another key.
 */
function isConfiguredKey(described: string | undefined, configured: string | undefined): boolean {
  if (configured === undefined) return described === undefined || described === 'alias/aws/secretsmanager' || described.endsWith(':alias/aws/secretsmanager');
  if (described === undefined) return false;
  return (
    described === configured ||
    described.endsWith(`:key/${configured}`) ||
    configured.endsWith(`:key/${described}`) ||
    (configured.startsWith('alias/') && described.endsWith(`:${configured}`))
  );
}

const errorText = (error: unknown): string => redactString(error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
const errorNameOf = (error: unknown): string => (error instanceof Error ? error.name : '');

export class KeyActor {
  readonly notices: RotationNotice[] = [];

  constructor(private readonly ctx: ActContext) {}

  /** Executes the actions in order; a failed one is recorded and the next is tried. */
  async executeAll(actions: readonly KeyAction[]): Promise<ActionOutcome[]> {
    const outcomes: ActionOutcome[] = [];
    for (const action of actions) {
      const outcome = await this.execute(action).catch(
        (error: unknown): ActionOutcome => ({ kind: action.kind, user: action.user, status: 'failed', detail: errorText(error) }),
      );
      this.ctx.logger[outcome.status === 'failed' ? 'error' : 'info'](
        {
          kind: outcome.kind,
          user: outcome.user,
          status: outcome.status,
          detail: outcome.detail,
          accessKeyId: outcome.accessKeyId,
          newKeyId: outcome.newKeyId,
        },
        'key action',
      );
      outcomes.push(outcome);
    }
    return outcomes;
  }

  async execute(action: KeyAction): Promise<ActionOutcome> {
    // decide.ts never plans one; this is the last guard.
    if (action.user === ROOT_USER || action.userArn.endsWith(':root'))
      return { kind: action.kind, user: action.user, status: 'skipped', detail: 'root keys are never touched' };
    switch (action.kind) {
      case 'deactivate-key':
        await this.deactivate(action.user, action.accessKeyId);
        return { kind: action.kind, user: action.user, status: 'done', detail: `deactivated (${action.reason})`, accessKeyId: action.accessKeyId };
      case 'start-rotation':
        return this.startRotation(action);
      case 'resume-rotation':
        return this.resumeRotation(action);
      case 'deactivate-old-key': {
        await this.deactivate(action.user, action.state.oldKeyId);
        const recorded = await this.record(action.state, {
          phase: 'old-deactivated',
          note: action.early ? 'old key deactivated early: the new key is in use' : 'old key deactivated after the installation grace',
        });
        return {
          kind: action.kind,
          user: action.user,
          status: recorded ? 'done' : 'skipped',
          detail: recorded ? 'old key deactivated' : 'old key deactivated; rotation record changed by another run',
          accessKeyId: action.state.oldKeyId,
        };
      }
      case 'delete-old-key': {
        try {
          await this.ctx.iam.send(new DeleteAccessKeyCommand({ UserName: action.user, AccessKeyId: action.state.oldKeyId }));
        } catch (error) {
          if (errorNameOf(error) !== 'NoSuchEntityException') throw error;
        }
        await this.record(action.state, { phase: 'done', note: 'old key deleted after the recovery grace' });
        return { kind: action.kind, user: action.user, status: 'done', detail: 'old key deleted', accessKeyId: action.state.oldKeyId };
      }
      case 'record-rotation': {
        const recorded = await this.record(action.state, { phase: action.phase, note: action.note });
        return { kind: action.kind, user: action.user, status: recorded ? 'done' : 'skipped', detail: `rotation ${action.phase}: ${action.note}` };
      }
    }
  }

  private async deactivate(user: string, accessKeyId: string): Promise<void> {
    await this.ctx.iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: accessKeyId, Status: 'Inactive' }));
  }

  /** Conditional update of a stored rotation; false when another run changed it first. */
  private async record(state: RotationState, change: Partial<RotationState> & { phase: RotationPhase }): Promise<boolean> {
    const next: RotationState = { ...state, ...change, updatedAt: this.ctx.now.toISOString(), version: state.version + 1 };
    return this.ctx.rotationStates.updateIfVersion(next, state.version);
  }

  private freshState(user: string, userArn: string, oldKeyId: string, owner: string | undefined, version: number): RotationState {
    const { now, settings } = this.ctx;
    const at = (days: number): string => new Date(now.getTime() + days * DAY_MS).toISOString();
    return {
      user,
      userArn,
      phase: 'starting',
      oldKeyId,
      newKeyId: undefined,
      startedAt: now.toISOString(),
      deactivateAt: at(settings.installGraceDays),
      deleteAt: at(settings.installGraceDays + settings.recoveryGraceDays),
      leaseUntil: new Date(now.getTime() + settings.rotationLeaseMinutes * 60_000).toISOString(),
      secretName: secretNameFor(settings.secretPrefix, user),
      owner,
      updatedAt: now.toISOString(),
      note: undefined,
      version,
    };
  }

  private async startRotation(action: Extract<KeyAction, { kind: 'start-rotation' }>): Promise<ActionOutcome> {
    const previous = action.previous;
    const state = this.freshState(action.user, action.userArn, action.oldKeyId, action.owner, (previous?.version ?? 0) + 1);
    // The claim comes first: only the run whose conditional write succeeds may create a key.
    const claimed =
      previous === undefined ? await this.ctx.rotationStates.putIfAbsent(state) : await this.ctx.rotationStates.updateIfVersion(state, previous.version);
    if (!claimed)
      return { kind: action.kind, user: action.user, status: 'skipped', detail: 'another run already started this rotation', accessKeyId: action.oldKeyId };
    return this.createAndDeliver(action.kind, state);
  }

  private async resumeRotation(action: Extract<KeyAction, { kind: 'resume-rotation' }>): Promise<ActionOutcome> {
    const { state } = action;
    const lease = new Date(this.ctx.now.getTime() + this.ctx.settings.rotationLeaseMinutes * 60_000).toISOString();
    const claimed: RotationState = {
      ...state,
      phase: 'starting',
      newKeyId: undefined,
      leaseUntil: lease,
      updatedAt: this.ctx.now.toISOString(),
      note: 'resumed after an interrupted run',
      version: state.version + 1,
    };
    if (!(await this.ctx.rotationStates.updateIfVersion(claimed, state.version))) {
      return { kind: action.kind, user: action.user, status: 'skipped', detail: 'another run took over this rotation' };
    }
    for (const accessKeyId of action.undeliveredKeyIds) {
      try {
        await this.ctx.iam.send(new DeleteAccessKeyCommand({ UserName: action.user, AccessKeyId: accessKeyId }));
      } catch (error) {
        if (errorNameOf(error) !== 'NoSuchEntityException') throw error;
      }
    }
    return this.createAndDeliver(action.kind, claimed);
  }

  /** From a claimed `starting` state: create the key, record its id, store the secret, record delivery. */
  private async createAndDeliver(kind: KeyAction['kind'], claimed: RotationState): Promise<ActionOutcome> {
    const { iam, rotationStates } = this.ctx;
    const user = claimed.user;
    let created;
    try {
      created = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    } catch (error) {
      // No key was made: a user at the two-key limit stops the rotation; anything else frees it for the next run.
      const atLimit = errorNameOf(error) === 'LimitExceededException';
      await this.record(
        claimed,
        atLimit
          ? { phase: 'abandoned', note: 'the user already has two keys', leaseUntil: undefined }
          : { phase: 'starting', leaseUntil: this.ctx.now.toISOString(), note: 'CreateAccessKey failed' },
      );
      throw error;
    }
    const newKeyId = created.AccessKey?.AccessKeyId;
    let secretAccessKey = created.AccessKey?.SecretAccessKey;
    if (newKeyId === undefined || secretAccessKey === undefined) throw new Error('CreateAccessKey returned no key');

    const withKey: RotationState = { ...claimed, phase: 'key-created', newKeyId, updatedAt: this.ctx.now.toISOString(), version: claimed.version + 1 };
    try {
      if (!(await rotationStates.updateIfVersion(withKey, claimed.version))) throw new Error('the rotation record changed while the key was being created');
      await this.storeSecret(claimed, newKeyId, secretAccessKey);
    } catch (error) {
      secretAccessKey = undefined;
      await this.discardUndelivered(withKey, newKeyId);
      return {
        kind,
        user,
        status: 'failed',
        detail: `new key not delivered, deleted again; the next run retries: ${errorText(error)}`,
        accessKeyId: claimed.oldKeyId,
        newKeyId,
      };
    }
    secretAccessKey = undefined;
    const delivered: RotationState = {
      ...withKey,
      phase: 'delivered',
      leaseUntil: undefined,
      note: 'new key stored in Secrets Manager',
      version: withKey.version + 1,
    };
    if (!(await rotationStates.updateIfVersion(delivered, withKey.version))) throw new Error('the rotation record changed after the new key was stored');
    this.notices.push({
      user,
      owner: claimed.owner,
      newKeyId,
      secretName: claimed.secretName,
      oldKeyId: claimed.oldKeyId,
      deactivateAt: claimed.deactivateAt,
      deleteAt: claimed.deleteAt,
    });
    return {
      kind,
      user,
      status: 'done',
      detail: `new key stored in ${claimed.secretName}; old key deactivated at ${claimed.deactivateAt}`,
      accessKeyId: claimed.oldKeyId,
      newKeyId,
    };
  }

  /** The new key's secret could not be stored: delete the key and release the rotation for the next run. */
  private async discardUndelivered(withKey: RotationState, newKeyId: string): Promise<void> {
    try {
      await this.ctx.iam.send(new DeleteAccessKeyCommand({ UserName: withKey.user, AccessKeyId: newKeyId }));
      const released: RotationState = {
        ...withKey,
        phase: 'starting',
        newKeyId: undefined,
        leaseUntil: this.ctx.now.toISOString(),
        note: 'secret not stored; undelivered key deleted',
        version: withKey.version + 1,
      };
      await this.ctx.rotationStates.updateIfVersion(released, withKey.version);
    } catch (error) {
      // The lease expires and the next run deletes the recorded key (resume-rotation).
      this.ctx.logger.error({ user: withKey.user, newKeyId, detail: errorText(error) }, 'could not delete an undelivered key');
    }
  }

  /**
   * A secret that already exists (an earlier rotation's, or one made by someone else under the prefix)
   * gets the key only when encrypted with the configured KMS key (not one whose key policy someone
   * else chose) and kept in this region alone (a replica is a copy elsewhere this rotation never chose).
   */
  private async checkReusedSecret(name: string): Promise<void> {
    const secret = await this.ctx.secretsManager.send(new DescribeSecretCommand({ SecretId: name }));
    if (!isConfiguredKey(secret.KmsKeyId, this.ctx.settings.secretKmsKeyId))
      throw new Error(`existing secret ${name} is encrypted with another KMS key (${secret.KmsKeyId}); the access key is not stored in it`);
    const replicas = (secret.ReplicationStatus ?? []).map((replica) => replica.Region ?? '?');
    if (replicas.length > 0) throw new Error(`existing secret ${name} is replicated to ${replicas.join(', ')}; the access key is not stored in it`);
  }

  private async storeSecret(state: RotationState, accessKeyId: string, secretAccessKey: string): Promise<void> {
    const { secretsManager, settings } = this.ctx;
    const name = state.secretName;
    try {
      await secretsManager.send(
        new CreateSecretCommand({
          Name: name,
          Description: `Access key of IAM user ${state.user}, rotated by iam-warden. Readable only by that user.`,
          ...(settings.secretKmsKeyId === undefined ? {} : { KmsKeyId: settings.secretKmsKeyId }),
          Tags: [
            { Key: 'iam-warden:managed', Value: 'access-key' },
            { Key: 'iam-warden:user', Value: state.user },
            ...(state.owner === undefined ? [] : [{ Key: 'owner', Value: state.owner }]),
          ],
        }),
      );
    } catch (error) {
      if (errorNameOf(error) !== 'ResourceExistsException') throw error;
      await this.checkReusedSecret(name);
    }
    // The policy is in place before any value is written.
    await secretsManager.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: secretPolicyFor(state.userArn), BlockPublicPolicy: true }));
    await secretsManager.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: JSON.stringify({ userName: state.user, accessKeyId, secretAccessKey, createdAt: this.ctx.now.toISOString() }),
      }),
    );
  }
}
