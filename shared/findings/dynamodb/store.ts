import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
import type { FindingWork } from '../batch.js';
import { FindingNotFoundError, FindingsStoreError } from '../errors.js';
import { applyEvents, MAX_OCCURRENCE_ITEMS, withoutUndefined, type Applied, type FindingState, type LifecycleContext } from '../lifecycle.js';
import type { AlertState, Finding, Occurrence, Suppression } from '../model.js';
import { ALERT_CLAIM_LEASE_MS, type FindingChange, type FindingPage, type ListQuery, type StoreSettings } from '../store.js';
import { FindingsStoreBase } from '../store-base.js';
import { listFindings } from './list.js';
import {
  findingIdOfKey,
  findingItem,
  findingKey,
  occurrenceFromItem,
  occurrenceItem,
  stateFromItem,
  suppressionFromItem,
  suppressionItem,
  suppressionKey,
  SUPPRESSIONS_PK,
  type Item,
} from './table.js';

const MAX_WRITE_ATTEMPTS = 50;
const WRITE_CONCURRENCY = 8;

/** The document client every DynamoDB user of the findings table shares: undefined attributes are left out. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The deployed findings table (design in TABLE.md). Any number of writers may share it (Lambda
 * invocations, a replay with --table): every write is conditional on the version read, and a writer
 * that loses a race reads and folds again.
 */
export class DynamoFindingsStore extends FindingsStoreBase {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    settings: StoreSettings = {},
  ) {
    super(settings);
  }

  async get(findingId: string): Promise<Finding | undefined> {
    return (await this.readState(findingId))?.finding;
  }

  async occurrences(findingId: string): Promise<Occurrence[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :occurrence)',
      ExpressionAttributeValues: { ':pk': findingKey(findingId).pk, ':occurrence': 'O#' },
    });
    return items.map((item) => occurrenceFromItem(item, this.tableName));
  }

  list(query: ListQuery): Promise<FindingPage> {
    return listFindings(this.client, this.tableName, query);
  }

  async suppressions(): Promise<Suppression[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SUPPRESSIONS_PK },
      ConsistentRead: true,
    });
    return items.map((item) => suppressionFromItem(item, this.tableName));
  }

  claimAlert(findingId: string): Promise<boolean> {
    const now = this.now();
    return this.updateIf(findingId, {
      condition: 'alertState = :pending AND (attribute_not_exists(alertClaimedAt) OR alertClaimedAt < :staleBefore)',
      update: 'SET alertClaimedAt = :now, version = version + :one',
      values: { ':pending': 'pending', ':staleBefore': new Date(now.getTime() - ALERT_CLAIM_LEASE_MS).toISOString(), ':now': now.toISOString(), ':one': 1 },
    });
  }

  async releaseAlert(findingId: string): Promise<void> {
    await this.updateIf(findingId, {
      condition: 'alertState = :pending AND attribute_exists(alertClaimedAt)',
      update: 'SET version = version + :one REMOVE alertClaimedAt',
      values: { ':pending': 'pending', ':one': 1 },
    });
  }

  markAlert(findingId: string, state: Exclude<AlertState, 'pending'>, error?: string): Promise<boolean> {
    return this.updateIf(findingId, {
      condition: 'alertState = :pending',
      update:
        error === undefined
          ? `SET alertState = :state, version = version + :one${state === 'sent' ? ', alertedAt = :now' : ''} REMOVE alertError, alertClaimedAt`
          : 'SET alertState = :state, alertError = :error, version = version + :one REMOVE alertClaimedAt',
      values: {
        ':pending': 'pending',
        ':state': state,
        ':one': 1,
        ...(error === undefined ? {} : { ':error': error }),
        ...(state === 'sent' && error === undefined ? { ':now': this.now().toISOString() } : {}),
      },
    });
  }

  requeueAlert(findingId: string): Promise<boolean> {
    return this.updateIf(findingId, {
      condition: '#status = :open',
      update: 'SET alertState = :pending, version = version + :one REMOVE alertError, alertClaimedAt',
      values: { ':open': 'open', ':pending': 'pending', ':one': 1 },
    });
  }

  claimReminder(findingId: string, cutoff: string): Promise<boolean> {
    return this.updateIf(findingId, {
      condition: '#status = :open AND alertState = :sent AND (attribute_not_exists(alertedAt) OR alertedAt < :cutoff)',
      update: 'SET alertedAt = :now, version = version + :one',
      values: { ':open': 'open', ':sent': 'sent', ':cutoff': cutoff, ':now': this.now().toISOString(), ':one': 1 },
    });
  }

  /**
   * One BatchGetItem round for every finding of the flush and the fold in code; then the new
   * occurrences, in BatchWriteItem calls, before one conditional PutItem per changed finding (a few at
   * a time). Occurrences go first because a retry rewrites them (same keys) until the finding that
   * counts them is stored; written after it, one that failed would be lost, the retry finding its
   * event already applied.
   */
  protected async writeEvents(work: readonly FindingWork[], context: LifecycleContext): Promise<FindingChange[]> {
    const states = await this.readStates(work.map((item) => item.findingId));
    const folded = work.map((item) => {
      const current = states.get(item.findingId);
      return { work: item, current, applied: applyEvents(current, item.events, context) };
    });
    await this.putAll(folded.flatMap(({ work: { findingId }, current, applied }) => newOccurrenceItems(findingId, current, applied)));
    return eachConcurrently(folded, (item) => this.writeFinding(item, context));
  }

  protected async changeFinding(findingId: string, update: (finding: Finding) => Finding | undefined): Promise<{ finding: Finding; changed: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.readState(findingId);
      if (current?.finding === undefined) throw new FindingNotFoundError(`no finding ${findingId}`);
      const updated = update(current.finding);
      if (updated === undefined) return { finding: current.finding, changed: false };
      const next: FindingState = { ...current, version: current.version + 1, finding: withoutUndefined(updated) };
      if (await this.putIfUnchanged(findingId, current, next)) return { finding: withoutUndefined(updated), changed: true };
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new FindingsStoreError(`finding ${findingId}: too many concurrent writers`);
    }
  }

  protected async putSuppression(suppression: Suppression): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: suppressionItem(suppression) }));
  }

  protected async deleteSuppression(suppressionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: suppressionKey(suppressionId) }));
  }

  /**
   * Writes one folded finding on condition of the version read; on a race, reads, folds again and
   * writes that fold's new occurrences before trying again.
   */
  private async writeFinding(
    { work: { findingId, events }, current: prefetched, applied: firstFold }: { work: FindingWork; current: FindingState | undefined; applied: Applied },
    context: LifecycleContext,
  ): Promise<FindingChange> {
    let current = prefetched;
    let applied = firstFold;
    for (let attempt = 1; ; attempt += 1) {
      if (applied.next === undefined) return { findingId, outcome: applied.outcome, finding: current?.finding };
      if (await this.putIfUnchanged(findingId, current, applied.next)) return { findingId, outcome: applied.outcome, finding: applied.next.finding };
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new FindingsStoreError(`finding ${findingId}: too many concurrent writers`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * attempt)));
      current = await this.readState(findingId);
      applied = applyEvents(current, events, context);
      await this.putAll(newOccurrenceItems(findingId, current, applied));
    }
  }

  private async readState(findingId: string): Promise<FindingState | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: findingKey(findingId), ConsistentRead: true }));
    return stateFromItem(result.Item, this.tableName);
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

  /** One conditional UpdateItem on a finding item: whether the condition held (and the update was made). */
  private async updateIf(findingId: string, change: { condition: string; update: string; values: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: findingKey(findingId),
          ConditionExpression: change.condition,
          UpdateExpression: change.update,
          ...(change.condition.includes('#status') ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: change.values,
        }),
      );
      return true;
    } catch (caught) {
      if (caught instanceof ConditionalCheckFailedException) return false;
      throw caught;
    }
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
  private async readStates(findingIds: readonly string[]): Promise<Map<string, FindingState | undefined>> {
    const states = new Map<string, FindingState | undefined>(findingIds.map((id) => [id, undefined]));
    for (let i = 0; i < findingIds.length; i += 100) {
      let keys: Record<string, unknown>[] = findingIds.slice(i, i + 100).map(findingKey);
      for (let attempt = 0; keys.length > 0; attempt += 1) {
        if (attempt > 10) throw new FindingsStoreError('finding reads still unprocessed after retries');
        const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) states.set(findingIdOfKey(String(item['pk'])), stateFromItem(item, this.tableName));
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
    return states;
  }

  /** Occurrence items, 25 a BatchWriteItem (the API's limit), a few calls at a time. */
  private async putAll(items: readonly Item[]): Promise<void> {
    const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, index) => items.slice(index * 25, index * 25 + 25));
    await eachConcurrently(chunks, (chunk) => this.putChunk(chunk));
  }

  /** One BatchWriteItem, retrying what DynamoDB leaves unprocessed with backoff. */
  private async putChunk(items: readonly Item[]): Promise<void> {
    let requests = items.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 10) throw new FindingsStoreError('occurrence items still unprocessed after retries');
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: request.PutRequest.Item } }],
      );
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}

/** The occurrence items a fold adds, up to MAX_OCCURRENCE_ITEMS per finding. */
function newOccurrenceItems(findingId: string, current: FindingState | undefined, applied: Applied): Item[] {
  if (applied.next === undefined) return [];
  const already = current?.finding?.count ?? 0;
  return applied.newOccurrences.slice(0, Math.max(0, MAX_OCCURRENCE_ITEMS - already)).map((occurrence) => occurrenceItem(findingId, occurrence));
}

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
