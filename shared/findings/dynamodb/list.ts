import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { SEVERITIES, severityRank, type Severity } from '../../detections/detection.js';
import { InvalidCursorError } from '../errors.js';
import type { FindingPage, ListQuery } from '../store.js';
import { INDEX, rulePartition, statusPartition, summaryFromItem, type Item } from './table.js';

/** One index partition to read newest first, with the filter that applies on it. */
interface Partition {
  readonly index: string;
  readonly pkName: string;
  readonly skName: string;
  readonly pk: string;
  readonly filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

type CursorState = Record<string, Record<string, unknown> | 'done'>;

/**
 * Lists findings through the indexes, never a Scan. Each (status, severity) pair is its own
 * partition of the byStatusSeverity index, sorted by lastSeen: a page reads at most `limit` items
 * from each partition it needs (severities at or above the minimum, for the statuses asked) and
 * merges them newest first. The cursor remembers, per partition, the last item consumed, so the
 * cost of a page does not grow with the table.
 */
export async function listFindings(client: DynamoDBDocumentClient, tableName: string, query: ListQuery): Promise<FindingPage> {
  const limit = Math.max(1, Math.min(query.limit ?? 50, 1000));
  const partitions = partitionsFor(query);
  const cursor = decodeCursor(query.cursor);
  let calls = 0;
  let itemsRead = 0;

  const fetched = await Promise.all(
    partitions.map(async (partition) => {
      const key = partitionId(partition);
      const start = cursor[key];
      if (start === 'done') return { partition, key, items: [] as Item[], exhausted: true };
      const items: Item[] = [];
      let exclusiveStartKey = start;
      let exhausted = false;
      while (items.length < limit) {
        const input: QueryCommandInput = {
          TableName: tableName,
          IndexName: partition.index,
          KeyConditionExpression: query.since === undefined ? '#pk = :pk' : '#pk = :pk AND #sk >= :since',
          ExpressionAttributeNames: { '#pk': partition.pkName, ...(query.since === undefined ? {} : { '#sk': partition.skName }), ...partition.filter?.names },
          ExpressionAttributeValues: { ':pk': partition.pk, ...(query.since === undefined ? {} : { ':since': query.since }), ...partition.filter?.values },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ...(partition.filter === undefined ? {} : { FilterExpression: partition.filter.expression }),
          ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
        };
        const result = await client.send(new QueryCommand(input));
        calls += 1;
        itemsRead += result.ScannedCount ?? result.Items?.length ?? 0;
        items.push(...(result.Items ?? []));
        exclusiveStartKey = result.LastEvaluatedKey;
        if (exclusiveStartKey === undefined) {
          exhausted = true;
          break;
        }
        // A filtered query that read a full page but kept nothing: stop, the cursor resumes later.
        if ((result.Items ?? []).length === 0) break;
      }
      return { partition, key, items, exhausted, lastEvaluated: exclusiveStartKey };
    }),
  );

  const candidates = fetched.flatMap(({ key, partition, items }) => items.map((item) => ({ key, partition, item, sort: String(item[partition.skName]) })));
  candidates.sort((a, b) => (a.sort < b.sort ? 1 : a.sort > b.sort ? -1 : a.key < b.key ? -1 : 1));
  const taken = candidates.slice(0, limit);

  const next: CursorState = { ...cursor };
  for (const { key, partition, items, exhausted, lastEvaluated } of fetched) {
    const consumed = taken.filter((candidate) => candidate.key === key);
    const last = consumed[consumed.length - 1];
    if (consumed.length === items.length) {
      // Everything read here was used: resume after what DynamoDB read (filtered items included).
      if (exhausted) next[key] = 'done';
      else if (lastEvaluated !== undefined) next[key] = lastEvaluated;
    } else if (last !== undefined) {
      next[key] = keyOf(last.item, partition);
    }
  }
  const more = partitions.some((partition) => next[partitionId(partition)] !== 'done');
  return { findings: taken.map(({ item }) => summaryFromItem(item, tableName)), cursor: more ? encodeCursor(next) : undefined, stats: { calls, itemsRead } };
}

function partitionsFor(query: ListQuery): Partition[] {
  const statuses = query.statuses ?? ['open'];
  const minRank = query.minSeverity === undefined ? 0 : severityRank(query.minSeverity);
  const severities = SEVERITIES.filter((severity) => severityRank(severity) >= minRank);
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.resourceContains !== undefined) {
    filters.push('contains(#resource, :resourceText)');
    names['#resource'] = 'resource';
    values[':resourceText'] = query.resourceContains;
  }

  if (query.resource !== undefined) {
    // One partition per resource: filter the rest (a resource carries few findings).
    names['#status'] = 'status';
    filters.push(`#status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`);
    for (const [i, status] of statuses.entries()) values[`:status${i}`] = status;
    addSeverityFilter(query, severities, filters, names, values);
    if (query.ruleId !== undefined) {
      filters.push('#ruleId = :ruleId');
      names['#ruleId'] = 'ruleId';
      values[':ruleId'] = query.ruleId;
    }
    return [{ index: INDEX.byResource, pkName: 'gsi3pk', skName: 'gsi3sk', pk: query.resource, filter: { expression: filters.join(' AND '), names, values } }];
  }
  if (query.ruleId !== undefined) {
    const ruleId = query.ruleId;
    addSeverityFilter(query, severities, filters, names, values);
    const filter = filters.length === 0 ? undefined : { expression: filters.join(' AND '), names, values };
    return statuses.map((status) => ({
      index: INDEX.byRule,
      pkName: 'gsi2pk',
      skName: 'gsi2sk',
      pk: rulePartition(ruleId, status),
      ...(filter === undefined ? {} : { filter }),
    }));
  }
  const filter = filters.length === 0 ? undefined : { expression: filters.join(' AND '), names, values };
  return statuses.flatMap((status) =>
    severities.map((severity) => ({
      index: INDEX.byStatus,
      pkName: 'gsi1pk',
      skName: 'gsi1sk',
      pk: statusPartition(status, severity),
      ...(filter === undefined ? {} : { filter }),
    })),
  );
}

function addSeverityFilter(
  query: ListQuery,
  severities: readonly Severity[],
  filters: string[],
  names: Record<string, string>,
  values: Record<string, unknown>,
): void {
  if (query.minSeverity === undefined || query.minSeverity === 'info') return;
  names['#severity'] = 'severity';
  filters.push(`#severity IN (${severities.map((_, i) => `:severity${i}`).join(', ')})`);
  for (const [i, severity] of severities.entries()) values[`:severity${i}`] = severity;
}

function partitionId(partition: Partition): string {
  return `${partition.index}:${partition.pk}`;
}

function keyOf(item: Item, partition: Partition): Record<string, unknown> {
  return { pk: item.pk, sk: item.sk, [partition.pkName]: item[partition.pkName], [partition.skName]: item[partition.skName] };
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): CursorState {
  if (cursor === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as CursorState;
  } catch {
    // fall through: a cursor that is not ours
  }
  throw new InvalidCursorError('not a cursor from a previous page');
}
