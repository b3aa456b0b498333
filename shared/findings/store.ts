import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Evaluation, Resolution } from '../detections/engine.js';
import { startEmbeddedDynamo } from './embedded.js';
import {
  appendHistory,
  applyEvents,
  DEFAULT_RESOLVED_TTL_DAYS,
  eventTimeOf,
  expiryOf,
  withoutUndefined,
  type FindingEvent,
  type FindingState,
  type LifecycleContext,
} from './lifecycle.js';
import { listFindings, type FindingPage, type ListQuery } from './list.js';
import { OUTCOMES, type AlertState, type Finding, type Occurrence, type Outcome, type Suppression } from './model.js';
import { isActive, mutesFinding, suppressionIdOf, type SuppressionTarget } from './suppressions.js';
import {
  ensureFindingsTable,
  findingItem,
  findingIdOfKey,
  findingKey,
  INDEX,
  occurrenceFromItem,
  occurrenceItem,
  stateFromItem,
  summaryFromItem,
  suppressionFromItem,
  suppressionItem,
  suppressionKey,
  SUPPRESSIONS_PK,
  type FindingSummary,
  type Item,
} from './table.js';

/** The table name the embedded store uses. */
export const EMBEDDED_TABLE = 'warden-findings';
/** Occurrences stored as their own items per finding (the count goes on; the latest stay inline). */
export const MAX_OCCURRENCE_ITEMS = 500;
const MAX_WRITE_ATTEMPTS = 50;
const WRITE_CONCURRENCY = 8;

export interface StoreSettings {
  /** Days a resolved finding is kept (its `expiresAt` TTL). Default 90. */
  readonly resolvedTtlDays?: number;
  /** The clock (tests inject one). */
  readonly now?: () => Date;
  /**
   * This process is the table's only writer: the embedded store, held by its lock file. Findings
   * are then written in batches (BatchWriteItem, four times cheaper in dynalite) instead of one
   * conditional PutItem each, since no other writer can race them.
   */
  readonly exclusive?: boolean;
}

export type OpenFindingsStoreOptions =
  | (StoreSettings & { readonly storeDir: string })
  | (StoreSettings & { readonly tableName: string; readonly region?: string; readonly client?: DynamoDBDocumentClient });

export interface OpenedFindingsStore {
  readonly store: FindingsStore;
  close(): Promise<void>;
}

/**
 * Opens the findings table: the deployed one (`tableName`, with a client passed in or built from
 * the standard credential chain; AWS_ENDPOINT_URL_DYNAMODB is honoured by the SDK), or the embedded
 * one (`storeDir`: dynalite persisted there, on 127.0.0.1, table created on first use).
 */
export async function openFindingsStore(options: OpenFindingsStoreOptions): Promise<OpenedFindingsStore> {
  const settings: StoreSettings = {
    ...(options.resolvedTtlDays === undefined ? {} : { resolvedTtlDays: options.resolvedTtlDays }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  if ('storeDir' in options) {
    const embedded = await startEmbeddedDynamo(options.storeDir);
    const client = documentClient(
      new DynamoDBClient({ endpoint: embedded.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    try {
      await ensureFindingsTable(client as unknown as DynamoDBClient, EMBEDDED_TABLE);
    } catch (error) {
      client.destroy();
      await embedded.close();
      throw error;
    }
    return {
      store: new FindingsStore(client, EMBEDDED_TABLE, { ...settings, exclusive: true }),
      async close() {
        client.destroy();
        await embedded.close();
      },
    };
  }
  const owned = options.client === undefined;
  const client = options.client ?? documentClient(new DynamoDBClient(options.region === undefined ? {} : { region: options.region }));
  return {
    store: new FindingsStore(client, options.tableName, settings),
    async close() {
      if (owned) client.destroy();
    },
  };
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** What a write did to one finding. `finding` is undefined when only an early resolution is stored. */
export interface FindingChange {
  readonly findingId: string;
  readonly outcome: Outcome;
  readonly finding: Finding | undefined;
}

export interface BatchOutcome {
  readonly changes: readonly FindingChange[];
  readonly counts: Readonly<Record<Outcome, number>>;
}

export interface ActionBy {
  /** `cli:<user>` for a person. */
  readonly by: string;
  readonly reason: string;
}

export class FindingNotFoundError extends Error {
  override readonly name = 'FindingNotFoundError';
}

/** The findings table. Every method takes what it needs; the client and table name are the only state. */
export class FindingsStore {
  private readonly resolvedTtlDays: number;
  private readonly now: () => Date;
  private readonly exclusive: boolean;

  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    settings: StoreSettings = {},
  ) {
    this.resolvedTtlDays = settings.resolvedTtlDays ?? DEFAULT_RESOLVED_TTL_DAYS;
    this.now = settings.now ?? (() => new Date());
    this.exclusive = settings.exclusive ?? false;
  }

  /** A batch writer: add evaluations in any number, flush writes each finding once. */
  batch(): FindingsBatch {
    return new FindingsBatch(this);
  }

  /** Applies one evaluation (the Lambda's path: one event). */
  async apply(evaluation: Pick<Evaluation, 'detected' | 'resolutions'>): Promise<BatchOutcome> {
    const batch = this.batch();
    batch.add(evaluation);
    return batch.flush();
  }

  async get(findingId: string): Promise<Finding | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: findingKey(findingId), ConsistentRead: true }));
    return stateFromItem(result.Item)?.finding;
  }

  /** Every stored occurrence of a finding, oldest first (at most MAX_OCCURRENCE_ITEMS). */
  async occurrences(findingId: string): Promise<Occurrence[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :occurrence)',
      ExpressionAttributeValues: { ':pk': findingKey(findingId).pk, ':occurrence': 'O#' },
    });
    return items.map(occurrenceFromItem);
  }

  list(query: ListQuery): Promise<FindingPage> {
    return listFindings(this.client, this.tableName, query);
  }

  /** Findings of a rule on a resource in an account (what an unscoped resolution closes). */
  async findingsOf(ruleId: string, account: string, resource: string): Promise<FindingSummary[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: INDEX.byResource,
      KeyConditionExpression: 'gsi3pk = :resource',
      FilterExpression: 'ruleId = :ruleId AND account = :account',
      ExpressionAttributeValues: { ':resource': resource, ':ruleId': ruleId, ':account': account },
    });
    return items.map(summaryFromItem);
  }

  /** A person resolves a finding. */
  async resolve(findingId: string, action: ActionBy): Promise<FindingChange> {
    return this.change(
      findingId,
      (finding) => {
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
      },
      'resolved',
    );
  }

  async suppressions(): Promise<Suppression[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SUPPRESSIONS_PK },
      ConsistentRead: true,
    });
    return items.map(suppressionFromItem);
  }

  /**
   * Mutes one finding, or a rule for a resource or actor pattern. Open findings it matches become
   * suppressed now (their alert state `none`); later detections it matches are recorded suppressed.
   */
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
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: suppressionItem(suppression) }));
    if (!isActive(suppression, this.now())) return { suppression, suppressed: [] };

    const candidates = 'findingId' in target ? [target.findingId] : await this.openFindingIdsMatching(suppression);
    const suppressed: FindingChange[] = [];
    for (const findingId of candidates) {
      const change = await this.change(
        findingId,
        (finding) => {
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
        },
        'suppressed',
      );
      if (change.outcome === 'suppressed') suppressed.push(change);
    }
    return { suppression, suppressed };
  }

  /**
   * Removes suppressions (by suppression id, or the same target they were made with) and reopens
   * the findings they held suppressed, unless another active suppression still mutes them.
   */
  async unsuppress(which: string | SuppressionTarget, action: ActionBy): Promise<{ removed: Suppression[]; reopened: FindingChange[] }> {
    const all = await this.suppressions();
    const removed = all.filter((suppression) =>
      typeof which === 'string' ? suppression.id === which || suppression.findingId === which : suppression.id === suppressionIdOf(which),
    );
    for (const suppression of removed) await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: suppressionKey(suppression.id) }));
    if (removed.length === 0) return { removed, reopened: [] };

    const removedIds = new Set(removed.map((suppression) => suppression.id));
    const remaining = all.filter((suppression) => !removedIds.has(suppression.id) && isActive(suppression, this.now()));
    const held = await this.suppressedFindingsHeldBy(removedIds);
    const reopened: FindingChange[] = [];
    for (const summary of held) {
      const stillMuted = remaining.find((suppression) => mutesFinding(suppression, summary));
      const change = await this.change(
        summary.id,
        (finding) => {
          if (finding.status !== 'suppressed' || finding.suppressionId === undefined || !removedIds.has(finding.suppressionId)) return undefined;
          const at = this.now().toISOString();
          if (stillMuted !== undefined) return { ...finding, suppressionId: stillMuted.id };
          return {
            ...finding,
            status: 'open',
            statusChangedAt: at,
            suppressionId: undefined,
            alertState: 'pending',
            history: appendHistory(finding.history, { at, status: 'open', reason: action.reason, by: action.by }),
          };
        },
        'reopened',
      );
      if (change.outcome === 'reopened') reopened.push(change);
    }
    return { removed, reopened };
  }

  /**
   * Moves the alert state from `pending` to `sent` or `failed`, only if it is still pending: two
   * alerters racing on one finding publish once. Returns whether this call made the change.
   * `none`: no alert is owed after all (below the alert threshold).
   */
  async markAlert(findingId: string, state: Exclude<AlertState, 'pending'>, error?: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: findingKey(findingId),
          ConditionExpression: 'alertState = :pending',
          UpdateExpression:
            error === undefined
              ? `SET alertState = :state, version = version + :one${state === 'sent' ? ', alertedAt = :now' : ''} REMOVE alertError`
              : 'SET alertState = :state, alertError = :error, version = version + :one',
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':state': state,
            ':one': 1,
            ...(error === undefined ? {} : { ':error': error }),
            ...(state === 'sent' && error === undefined ? { ':now': this.now().toISOString() } : {}),
          },
        }),
      );
      return true;
    } catch (caught) {
      if (caught instanceof ConditionalCheckFailedException) return false;
      throw caught;
    }
  }

  /**
   * Makes an open finding owe its alert again (a person's choice: the topic was fixed after a
   * `failed` alert, or an alert was missed). False when the finding is not open.
   */
  async requeueAlert(findingId: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: findingKey(findingId),
          ConditionExpression: '#status = :open',
          UpdateExpression: 'SET alertState = :pending, version = version + :one REMOVE alertError',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':pending': 'pending', ':one': 1 },
        }),
      );
      return true;
    } catch (caught) {
      if (caught instanceof ConditionalCheckFailedException) return false;
      throw caught;
    }
  }

  /**
   * Claims the right to send a reminder about a still-open finding whose alert was sent before
   * `cutoff` (ISO time): true for exactly one caller, which then sends it.
   */
  async claimReminder(findingId: string, cutoff: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: findingKey(findingId),
          ConditionExpression: '#status = :open AND alertState = :sent AND (attribute_not_exists(alertedAt) OR alertedAt < :cutoff)',
          UpdateExpression: 'SET alertedAt = :now, version = version + :one',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':sent': 'sent', ':cutoff': cutoff, ':now': this.now().toISOString(), ':one': 1 },
        }),
      );
      return true;
    } catch (caught) {
      if (caught instanceof ConditionalCheckFailedException) return false;
      throw caught;
    }
  }

  /** Every open finding, as the list index holds it (page by page, newest first). */
  async *openFindings(): AsyncGenerator<FindingSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ statuses: ['open'], limit: 200, ...(cursor === undefined ? {} : { cursor }) });
      yield* page.findings;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  // ---- internals used by FindingsBatch -----------------------------------------------------------

  /**
   * Folds and writes on condition of the version read; on a race, reads and folds again. `prefetched`
   * is the state a batch read already fetched (undefined inside it: no finding yet), saving one read.
   * The items still to write (new occurrences, and in an exclusive store the finding itself) are
   * handed back in `unwritten`, for the batch to write in bulk.
   */
  async writeFinding(
    findingId: string,
    events: readonly FindingEvent[],
    suppressions: readonly Suppression[],
    prefetched: { readonly state: FindingState | undefined } | undefined,
    unwritten: Item[],
  ): Promise<FindingChange> {
    const context: LifecycleContext = { now: this.now(), suppressions, resolvedTtlDays: this.resolvedTtlDays };
    for (let attempt = 1; ; attempt += 1) {
      const current =
        attempt === 1 && prefetched !== undefined
          ? prefetched.state
          : stateFromItem((await this.client.send(new GetCommand({ TableName: this.tableName, Key: findingKey(findingId), ConsistentRead: true }))).Item);
      const applied = applyEvents(current, events, context);
      if (applied.next === undefined) return { findingId, outcome: applied.outcome, finding: current?.finding };
      if (this.exclusive) unwritten.push(findingItem(findingId, applied.next));
      else if (!(await this.putIfUnchanged(findingId, current, applied.next))) {
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error(`finding ${findingId}: too many concurrent writers`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * attempt)));
        continue;
      }
      const already = current?.finding?.count ?? 0;
      const toStore = applied.newOccurrences.slice(0, Math.max(0, MAX_OCCURRENCE_ITEMS - already));
      unwritten.push(...toStore.map((occurrence) => occurrenceItem(findingId, occurrence)));
      return { findingId, outcome: applied.outcome, finding: applied.next.finding };
    }
  }

  async loadSuppressions(): Promise<Suppression[]> {
    return (await this.suppressions()).filter((suppression) => isActive(suppression, this.now()));
  }

  private async putIfUnchanged(findingId: string, current: FindingState | undefined, next: FindingState): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: findingItem(findingId, next),
          ...(current === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': current.version } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A person's change to one finding (resolve, suppress, unsuppress), under the same version condition. */
  private async change(findingId: string, update: (finding: Finding) => Finding | undefined, outcome: Outcome): Promise<FindingChange> {
    for (let attempt = 1; ; attempt += 1) {
      const read = await this.client.send(new GetCommand({ TableName: this.tableName, Key: findingKey(findingId), ConsistentRead: true }));
      const current = stateFromItem(read.Item);
      if (current?.finding === undefined) throw new FindingNotFoundError(`no finding ${findingId}`);
      const updated = update(current.finding);
      if (updated === undefined) return { findingId, outcome: 'unchanged', finding: current.finding };
      const next: FindingState = { ...current, version: current.version + 1, finding: withoutUndefined(updated) };
      if (await this.putIfUnchanged(findingId, current, next)) return { findingId, outcome, finding: next.finding };
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error(`finding ${findingId}: too many concurrent writers`);
    }
  }

  private async openFindingIdsMatching(suppression: Suppression): Promise<string[]> {
    if (suppression.ruleId === undefined) return [];
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: INDEX.byRule,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `${suppression.ruleId}#open` },
    });
    return items
      .map(summaryFromItem)
      .filter((summary) => mutesFinding(suppression, summary))
      .map((summary) => summary.id);
  }

  private async suppressedFindingsHeldBy(suppressionIds: ReadonlySet<string>): Promise<FindingSummary[]> {
    const held: FindingSummary[] = [];
    for (const severity of ['info', 'low', 'medium', 'high', 'critical'] as const) {
      const items = await this.queryAll({
        TableName: this.tableName,
        IndexName: INDEX.byStatus,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `suppressed#${severity}` },
      });
      held.push(...items.map(summaryFromItem).filter((summary) => summary.suppressionId !== undefined && suppressionIds.has(summary.suppressionId)));
    }
    return held;
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(new QueryCommand({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** The stored state of many findings in few calls (BatchGetItem, 100 keys a call, consistent reads). */
  async readStates(findingIds: readonly string[]): Promise<Map<string, FindingState | undefined>> {
    const states = new Map<string, FindingState | undefined>(findingIds.map((id) => [id, undefined]));
    for (let i = 0; i < findingIds.length; i += 100) {
      let keys: Record<string, unknown>[] = findingIds.slice(i, i + 100).map(findingKey);
      for (let attempt = 0; keys.length > 0; attempt += 1) {
        if (attempt > 10) throw new Error('finding reads still unprocessed after retries');
        const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) states.set(findingIdOfKey(String(item['pk'])), stateFromItem(item));
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
    return states;
  }

  /** Occurrence items, 25 a BatchWriteItem (the API's limit), a few calls at a time. */
  async putAll(items: readonly Item[]): Promise<void> {
    const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, index) => items.slice(index * 25, index * 25 + 25));
    await eachConcurrently(chunks, (chunk) => this.putChunk(chunk));
  }

  /** One BatchWriteItem, retrying what DynamoDB leaves unprocessed with backoff. */
  private async putChunk(items: readonly Item[]): Promise<void> {
    let requests = items.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 10) throw new Error('occurrence items still unprocessed after retries');
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: request.PutRequest.Item } }],
      );
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}

/**
 * Collects evaluations (a whole replay, or one Lambda event) and writes each finding once: its
 * events sorted by event time, folded in one read-and-conditional-write.
 */
export class FindingsBatch {
  private readonly events = new Map<string, FindingEvent[]>();
  private readonly unscoped: Resolution[] = [];
  private sequence = 0;
  private readonly order = new WeakMap<FindingEvent, number>();

  constructor(private readonly store: FindingsStore) {}

  /** Number of findings the next flush writes (not counting unscoped resolutions). */
  get size(): number {
    return this.events.size;
  }

  add(evaluation: Pick<Evaluation, 'detected' | 'resolutions'>): void {
    for (const detected of evaluation.detected) this.push(detected.findingId, { kind: 'detected', detected });
    for (const resolution of evaluation.resolutions) {
      if (resolution.findingId !== undefined) this.push(resolution.findingId, { kind: 'resolved', resolution });
      else this.unscoped.push(resolution);
    }
  }

  async flush(): Promise<BatchOutcome> {
    const byFinding = new Map(this.events);
    const unscoped = [...this.unscoped];
    this.events.clear();
    this.unscoped.length = 0;

    // A resolution without a scope closes every finding of its rule on its resource: those stored
    // (found through the byResource index) and those this batch is about to write.
    const looked = new Map<string, string[]>();
    for (const resolution of unscoped) {
      const key = [resolution.ruleId, resolution.account, resolution.resource].join('\n');
      let ids = looked.get(key);
      if (ids === undefined) {
        const stored = await this.store.findingsOf(resolution.ruleId, resolution.account, resolution.resource);
        const inBatch = [...byFinding.values()].flatMap((events) =>
          events.flatMap((event) =>
            event.kind === 'detected' &&
            event.detected.ruleId === resolution.ruleId &&
            event.detected.account === resolution.account &&
            event.detected.resource === resolution.resource
              ? [event.detected.findingId]
              : [],
          ),
        );
        ids = [...new Set([...stored.map((summary) => summary.id), ...inBatch])];
        looked.set(key, ids);
      }
      for (const findingId of ids) {
        const event: FindingEvent = { kind: 'resolved', resolution: { ...resolution, findingId } };
        this.order.set(event, this.sequence++);
        const list = byFinding.get(findingId) ?? [];
        list.push(event);
        byFinding.set(findingId, list);
      }
    }

    const suppressions = byFinding.size === 0 ? [] : await this.store.loadSuppressions();
    const work = [...byFinding.entries()].map(([findingId, events]) => ({
      findingId,
      events: [...events].sort((a, b) => {
        const at = eventTimeOf(a);
        const bt = eventTimeOf(b);
        return at < bt ? -1 : at > bt ? 1 : (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0);
      }),
    }));
    // One batched read for every finding of the flush; each write then needs no read of its own.
    const states = work.length === 0 ? new Map<string, FindingState | undefined>() : await this.store.readStates(work.map((item) => item.findingId));
    const unwritten: Item[] = [];
    const changes = await eachConcurrently(work, (item) =>
      this.store.writeFinding(item.findingId, item.events, suppressions, { state: states.get(item.findingId) }, unwritten),
    );
    // What is left goes in full batches across findings: occurrences, and the findings themselves
    // in an exclusive store.
    await this.store.putAll(unwritten);

    const counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
    for (const change of changes) counts[change.outcome] += 1;
    return { changes, counts };
  }

  private push(findingId: string, event: FindingEvent): void {
    this.order.set(event, this.sequence++);
    const list = this.events.get(findingId) ?? [];
    list.push(event);
    this.events.set(findingId, list);
  }
}

export type { FindingSummary } from './table.js';
export type { FindingPage, ListQuery } from './list.js';

/** Runs `task` over `items`, WRITE_CONCURRENCY at a time; the results keep the items' order. */
async function eachConcurrently<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
  return results;
}
