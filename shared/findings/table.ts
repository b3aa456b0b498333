import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Severity } from '../detections/detection.js';
import type { EarlyResolution, FindingState } from './lifecycle.js';
import type { Finding, FindingStatus, Occurrence, Suppression } from './model.js';

/**
 * The findings table: one table, keys `pk`/`sk`, three GSIs. Described in TABLE.md, which must be
 * kept in step with this file.
 */
export const INDEX = {
  byStatus: 'byStatusSeverity',
  byRule: 'byRuleStatus',
  byResource: 'byResource',
} as const;

/** Attributes the list indexes carry (INCLUDE projection), enough for `findings list` and the alerter's queue. */
export const LISTED_ATTRIBUTES = [
  'id',
  'ruleId',
  'severity',
  'title',
  'account',
  'region',
  'resource',
  'status',
  'statusChangedAt',
  'firstSeen',
  'lastSeen',
  'count',
  'summary',
  'alertState',
  'suppressionId',
  'latestActor',
] as const;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const index = (name: string, pk: string, sk: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: pk, KeyType: 'HASH' as const },
      { AttributeName: sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...LISTED_ATTRIBUTES] },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [index(INDEX.byStatus, 'gsi1pk', 'gsi1sk'), index(INDEX.byRule, 'gsi2pk', 'gsi2sk'), index(INDEX.byResource, 'gsi3pk', 'gsi3sk')],
  };
}

/** Creates the table when it does not exist and waits until it is active (embedded store, tests). */
export async function ensureFindingsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus === 'ACTIVE') return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  }
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`table ${tableName} did not become active`);
}

// ---- keys ---------------------------------------------------------------------------------------

export const FINDING_SK = 'FINDING';
export const SUPPRESSIONS_PK = 'SUPPRESSIONS';

export const findingKey = (findingId: string) => ({ pk: `F#${findingId}`, sk: FINDING_SK });
export const findingIdOfKey = (pk: string): string => pk.slice('F#'.length);
export const occurrenceKey = (findingId: string, eventTime: string, eventId: string) => ({ pk: `F#${findingId}`, sk: `O#${eventTime}#${eventId}` });
export const suppressionKey = (suppressionId: string) => ({ pk: SUPPRESSIONS_PK, sk: `S#${suppressionId}` });

export const statusPartition = (status: FindingStatus, severity: Severity) => `${status}#${severity}`;
export const rulePartition = (ruleId: string, status: FindingStatus) => `${ruleId}#${status}`;
/** Sort key of every list index: newest `lastSeen` last, the id breaks ties. */
export const timeSortKey = (finding: Pick<Finding, 'lastSeen' | 'id'>) => `${finding.lastSeen}#${finding.id}`;

// ---- items --------------------------------------------------------------------------------------

export type Item = Record<string, unknown>;

/** The finding item: the finding, its idempotency memory, its version, and its index keys. */
export function findingItem(findingId: string, state: FindingState): Item {
  const item: Item = { ...findingKey(findingId), kind: 'finding', id: findingId, version: state.version, seen: state.seen };
  if (state.seenFloor !== undefined) item.seenFloor = state.seenFloor;
  if (state.earlyResolution !== undefined) item.earlyResolution = state.earlyResolution;
  const finding = state.finding;
  if (finding === undefined) return state.expiresAt === undefined ? item : { ...item, expiresAt: state.expiresAt };
  const latestActor = finding.recentOccurrences[0]?.actor;
  return {
    ...item,
    ...finding,
    ...(latestActor === undefined ? {} : { latestActor }),
    gsi1pk: statusPartition(finding.status, finding.severity),
    gsi1sk: timeSortKey(finding),
    gsi2pk: rulePartition(finding.ruleId, finding.status),
    gsi2sk: timeSortKey(finding),
    gsi3pk: finding.resource,
    gsi3sk: timeSortKey(finding),
  };
}

const FINDING_FIELDS = [
  'id',
  'ruleId',
  'severity',
  'title',
  'account',
  'region',
  'resource',
  'scope',
  'summary',
  'details',
  'status',
  'statusChangedAt',
  'firstSeen',
  'lastSeen',
  'count',
  'recentOccurrences',
  'history',
  'alertState',
  'alertError',
  'alertedAt',
  'resolvedAt',
  'suppressionId',
  'expiresAt',
] as const;

export function stateFromItem(item: Item | undefined): FindingState | undefined {
  if (item === undefined) return undefined;
  const state: { -readonly [K in keyof FindingState]: FindingState[K] } = {
    version: Number(item.version ?? 0),
    seen: (item.seen as Record<string, string> | undefined) ?? {},
  };
  if (typeof item.seenFloor === 'string') state.seenFloor = item.seenFloor;
  if (item.earlyResolution !== undefined) state.earlyResolution = item.earlyResolution as EarlyResolution;
  if (typeof item.status === 'string') state.finding = findingFromItem(item);
  else if (typeof item.expiresAt === 'number') state.expiresAt = item.expiresAt;
  return state;
}

export function findingFromItem(item: Item): Finding {
  const finding: Record<string, unknown> = {};
  for (const field of FINDING_FIELDS) if (item[field] !== undefined) finding[field] = item[field];
  finding.recentOccurrences ??= [];
  finding.history ??= [];
  finding.details ??= {};
  return finding as unknown as Finding;
}

/** What the list indexes return: the listed attributes only. */
export interface FindingSummary {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly account: string;
  readonly region: string;
  readonly resource: string;
  readonly status: FindingStatus;
  readonly statusChangedAt: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  readonly summary: string;
  readonly alertState: Finding['alertState'];
  readonly suppressionId?: string;
  readonly latestActor?: string;
}

export function summaryFromItem(item: Item): FindingSummary {
  const summary: Record<string, unknown> = {};
  for (const field of LISTED_ATTRIBUTES) if (item[field] !== undefined) summary[field] = item[field];
  return summary as unknown as FindingSummary;
}

export function occurrenceItem(findingId: string, occurrence: Occurrence): Item {
  return { ...occurrenceKey(findingId, occurrence.eventTime, occurrence.eventId), kind: 'occurrence', ...occurrence };
}

export function occurrenceFromItem(item: Item): Occurrence {
  const { pk: _pk, sk: _sk, kind: _kind, ...occurrence } = item;
  return occurrence as unknown as Occurrence;
}

export function suppressionItem(suppression: Suppression): Item {
  return { ...suppressionKey(suppression.id), kind: 'suppression', ...suppression };
}

export function suppressionFromItem(item: Item): Suppression {
  const { pk: _pk, sk: _sk, kind: _kind, ...suppression } = item;
  return suppression as unknown as Suppression;
}
