import { FAILED_ATTEMPT_SCOPE } from '../detections/engine.js';
import { EventBatch, type FindingWork } from './batch.js';
import { FindingNotFoundError } from './errors.js';
import { appendHistory, DEFAULT_RESOLVED_TTL_DAYS, expiryOf, withoutUndefined, type LifecycleContext } from './lifecycle.js';
import { FINDING_STATUSES, type AlertState, type Finding, type Occurrence, type Outcome, type Suppression } from './model.js';
import type { FindingSummary } from './schema.js';
import type {
  ActionBy,
  BatchOutcome,
  EvaluationToStore,
  FindingChange,
  FindingPage,
  FindingsBatch,
  FindingsStore,
  ListQuery,
  ReconcileRequest,
  StoreSettings,
} from './store.js';
import { isActive, mutesFinding, suppressionIdOf, type SuppressionTarget } from './suppressions.js';

/**
 * What both stores share, built on a few primitives each implements for its backend (the way
 * Powertools' idempotency utility builds every persistence layer on BasePersistenceLayer): the batch,
 * a person's status changes, and walking the open findings. Folding events is `applyEvents`, which
 * each store runs inside its own read-and-write discipline.
 */
export abstract class FindingsStoreBase implements FindingsStore {
  protected readonly resolvedTtlDays: number;
  protected readonly now: () => Date;

  constructor(settings: StoreSettings = {}) {
    this.resolvedTtlDays = settings.resolvedTtlDays ?? DEFAULT_RESOLVED_TTL_DAYS;
    this.now = settings.now ?? (() => new Date());
  }

  abstract get(findingId: string): Promise<Finding | undefined>;
  abstract occurrences(findingId: string): Promise<Occurrence[]>;
  abstract list(query: ListQuery): Promise<FindingPage>;
  abstract suppressions(): Promise<Suppression[]>;
  abstract claimAlert(findingId: string): Promise<boolean>;
  abstract releaseAlert(findingId: string): Promise<void>;
  abstract markAlert(findingId: string, state: Exclude<AlertState, 'pending'>, error?: string): Promise<boolean>;
  abstract requeueAlert(findingId: string): Promise<boolean>;
  abstract claimReminder(findingId: string, cutoff: string): Promise<boolean>;

  /** Folds each finding's events into its stored state (`applyEvents`) and writes the results; one change per item, in order. */
  protected abstract writeEvents(work: readonly FindingWork[], context: LifecycleContext): Promise<FindingChange[]>;
  /**
   * Reads a finding, applies `update` (undefined: nothing to change) and writes the result with its
   * version bumped, unless another writer changed it in between (then reads and applies again).
   * Throws FindingNotFoundError when there is no finding.
   */
  protected abstract changeFinding(findingId: string, update: (finding: Finding) => Finding | undefined): Promise<{ finding: Finding; changed: boolean }>;
  protected abstract putSuppression(suppression: Suppression): Promise<void>;
  protected abstract deleteSuppression(suppressionId: string): Promise<void>;

  batch(): FindingsBatch {
    return new EventBatch({
      findingIdsOf: (ruleId, account, resource) => this.findingIdsOf(ruleId, account, resource),
      write: async (work) => this.writeEvents(work, await this.lifecycleContext()),
    });
  }

  apply(evaluation: EvaluationToStore): Promise<BatchOutcome> {
    const batch = this.batch();
    batch.add(evaluation);
    return batch.flush();
  }

  resolve(findingId: string, action: ActionBy): Promise<FindingChange> {
    return this.change(findingId, 'resolved', (finding) => {
      if (finding.status === 'resolved') return undefined;
      const at = this.now().toISOString();
      return {
        ...finding,
        status: 'resolved',
        statusChangedAt: at,
        resolvedAt: at,
        suppressionId: undefined,
        expiresAt: expiryOf({ now: this.now(), resolvedTtlDays: this.resolvedTtlDays }),
        history: appendHistory(finding.history, { at, status: 'resolved', reason: action.reason, by: action.by }),
      };
    });
  }

  async reconcile(request: ReconcileRequest): Promise<FindingChange[]> {
    const except = new Set(request.exceptResources ?? []);
    const only = request.onlyResources === undefined ? undefined : new Set(request.onlyResources);
    // Checked on the summary to skip what cannot qualify, and again on the finding as it is written.
    const stale = (finding: Pick<Finding, 'status' | 'account' | 'region' | 'resource' | 'lastSeen'>): boolean =>
      finding.status !== 'resolved' &&
      finding.account === request.account &&
      (request.region === undefined || finding.region === request.region) &&
      !except.has(finding.resource) &&
      (only === undefined || only.has(finding.resource)) &&
      finding.lastSeen < request.scanStartedAt;
    const changes: FindingChange[] = [];
    for (const ruleId of new Set(request.ruleIds)) {
      const candidates = (await this.all({ ruleId, statuses: ['open', 'suppressed'] })).filter(stale);
      for (const { id } of candidates) {
        const change = await this.change(id, 'resolved', (finding) => {
          if (!stale(finding) || isFailedAttempt(finding.scope)) return undefined;
          return {
            ...finding,
            status: 'resolved',
            statusChangedAt: request.scanStartedAt,
            resolvedAt: request.scanStartedAt,
            suppressionId: undefined,
            expiresAt: expiryOf({ now: this.now(), resolvedTtlDays: this.resolvedTtlDays }),
            history: appendHistory(finding.history, { at: request.scanStartedAt, status: 'resolved', reason: request.reason, by: request.by }),
          };
        });
        if (change.outcome === 'resolved') changes.push(change);
      }
    }
    return changes;
  }

  async suppress(
    target: SuppressionTarget,
    action: ActionBy & { readonly until?: string },
  ): Promise<{ suppression: Suppression; suppressed: FindingChange[] }> {
    let ruleId = target.ruleId;
    if ('findingId' in target) {
      const finding = await this.get(target.findingId);
      if (finding === undefined) throw new FindingNotFoundError(`no finding ${target.findingId}`);
      ruleId = finding.ruleId;
    }
    const suppression: Suppression = withoutUndefined({
      id: suppressionIdOf(target),
      ruleId,
      findingId: 'findingId' in target ? target.findingId : undefined,
      resourcePattern: 'resourcePattern' in target ? target.resourcePattern : undefined,
      actorPattern: 'actorPattern' in target ? target.actorPattern : undefined,
      reason: action.reason,
      createdBy: action.by,
      createdAt: this.now().toISOString(),
      until: action.until,
    });
    await this.putSuppression(suppression);
    if (!isActive(suppression, this.now())) return { suppression, suppressed: [] };

    const candidates =
      'findingId' in target
        ? [target.findingId]
        : suppression.ruleId === undefined
          ? []
          : (await this.all({ ruleId: suppression.ruleId, statuses: ['open'] }))
              .filter((summary) => mutesFinding(suppression, summary))
              .map((summary) => summary.id);
    const suppressed: FindingChange[] = [];
    for (const findingId of candidates) {
      const change = await this.change(findingId, 'suppressed', (finding) => {
        if (finding.status !== 'open') return undefined;
        const at = this.now().toISOString();
        return {
          ...finding,
          status: 'suppressed',
          statusChangedAt: at,
          suppressionId: suppression.id,
          alertState: finding.alertState === 'pending' ? 'none' : finding.alertState,
          history: appendHistory(finding.history, { at, status: 'suppressed', reason: action.reason, by: action.by }),
        };
      });
      if (change.outcome === 'suppressed') suppressed.push(change);
    }
    return { suppression, suppressed };
  }

  async unsuppress(which: string | SuppressionTarget, action: ActionBy): Promise<{ removed: Suppression[]; reopened: FindingChange[] }> {
    const all = await this.suppressions();
    const removed = all.filter((suppression) =>
      typeof which === 'string' ? suppression.id === which || suppression.findingId === which : suppression.id === suppressionIdOf(which),
    );
    for (const suppression of removed) await this.deleteSuppression(suppression.id);
    if (removed.length === 0) return { removed, reopened: [] };

    const removedIds = new Set(removed.map((suppression) => suppression.id));
    const remaining = all.filter((suppression) => !removedIds.has(suppression.id) && isActive(suppression, this.now()));
    const held = (await this.all({ statuses: ['suppressed'] })).filter(
      (summary) => summary.suppressionId !== undefined && removedIds.has(summary.suppressionId),
    );
    const reopened: FindingChange[] = [];
    for (const summary of held) {
      const stillMuted = remaining.find((suppression) => mutesFinding(suppression, summary));
      const change = await this.change(summary.id, 'reopened', (finding) => {
        if (finding.status !== 'suppressed' || finding.suppressionId === undefined || !removedIds.has(finding.suppressionId)) return undefined;
        if (stillMuted !== undefined) return { ...finding, suppressionId: stillMuted.id };
        const at = this.now().toISOString();
        return {
          ...finding,
          status: 'open',
          statusChangedAt: at,
          suppressionId: undefined,
          alertState: 'pending',
          history: appendHistory(finding.history, { at, status: 'open', reason: action.reason, by: action.by }),
        };
      });
      // A finding another suppression still mutes changes only its suppressionId: not reopened.
      if (change.outcome === 'reopened' && change.finding?.status === 'open') reopened.push(change);
    }
    return { removed, reopened };
  }

  recordSecurityHubExport(findingId: string, error: string | undefined): Promise<FindingChange> {
    return this.change(findingId, 'updated', (finding) =>
      finding.securityHubError === error ? undefined : withoutUndefined({ ...finding, securityHubError: error }),
    );
  }

  async *openFindings(): AsyncGenerator<FindingSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ statuses: ['open'], limit: 200, ...(cursor === undefined ? {} : { cursor }) });
      yield* page.findings;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /** Active suppressions, read once per flush, and the clock: what the fold needs besides the events. */
  private async lifecycleContext(): Promise<LifecycleContext> {
    const now = this.now();
    const suppressions = (await this.suppressions()).filter((suppression) => isActive(suppression, now));
    return { now, suppressions, resolvedTtlDays: this.resolvedTtlDays };
  }

  private async findingIdsOf(ruleId: string, account: string, resource: string): Promise<string[]> {
    const found = await this.all({ resource, ruleId, statuses: FINDING_STATUSES });
    return found.filter((summary) => summary.account === account).map((summary) => summary.id);
  }

  /** Every page of a list. */
  private async all(query: ListQuery): Promise<FindingSummary[]> {
    const found: FindingSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      found.push(...page.findings);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return found;
  }

  private async change(findingId: string, outcome: Outcome, update: (finding: Finding) => Finding | undefined): Promise<FindingChange> {
    const { finding, changed } = await this.changeFinding(findingId, update);
    return { findingId, outcome: changed ? outcome : 'unchanged', finding };
  }
}

/** A failed attempt's finding (the engine's scope suffix): an incident, which no state ever resolves. */
function isFailedAttempt(scope: string | undefined): boolean {
  return scope === FAILED_ATTEMPT_SCOPE || scope?.endsWith(`/${FAILED_ATTEMPT_SCOPE}`) === true;
}
