import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Severity } from '../../detections/detection.js';
import type { FindingState } from '../lifecycle.js';
import type { Finding, FindingStatus, Occurrence, Suppression } from '../model.js';
import {
  FINDING_SCHEMA,
  MEMORY_SCHEMA,
  OCCURRENCE_SCHEMA,
  readRecord,
  SUMMARY_FIELDS,
  SUMMARY_SCHEMA,
  SUPPRESSION_SCHEMA,
  type FindingSummary,
} from '../schema.js';

/**
 * The findings table: one table, keys `pk`/`sk`, three GSIs. Described in TABLE.md, which must be
 * kept in step with this file.
 */
export const INDEX = {
  byStatus: 'byStatusSeverity',
  byRule: 'byRuleStatus',
  byResource: 'byResource',
} as const;

/** Attributes the list indexes carry (INCLUDE projection): a finding summary. */
export const LISTED_ATTRIBUTES = [...SUMMARY_FIELDS, 'latestActor'] as const;

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

/** Creates the table when it does not exist and waits until it is active (tests and benchmarks; the stack creates the real one). */
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

/** A finding item read back, checked against the schemas (an item holding only an early resolution has no finding). */
export function stateFromItem(item: Item | undefined, tableName: string): FindingState | undefined {
  if (item === undefined) return undefined;
  const what = `finding ${findingIdOfKey(String(item.pk))} in table ${tableName}`;
  const { expiresAt, ...memory } = readRecord(MEMORY_SCHEMA, item, what);
  // A finding item's expiresAt is the finding's own (resolved findings); the memory's is only for early resolutions.
  if (item.status === undefined) return expiresAt === undefined ? memory : { ...memory, expiresAt };
  return { ...memory, finding: readRecord(FINDING_SCHEMA, item, what) };
}

export function summaryFromItem(item: Item, tableName: string): FindingSummary {
  return readRecord(SUMMARY_SCHEMA, item, `finding ${String(item.id)} in an index of table ${tableName}`);
}

export function occurrenceItem(findingId: string, occurrence: Occurrence): Item {
  return { ...occurrenceKey(findingId, occurrence.eventTime, occurrence.eventId), kind: 'occurrence', ...occurrence };
}

export function occurrenceFromItem(item: Item, tableName: string): Occurrence {
  return readRecord(OCCURRENCE_SCHEMA, item, `occurrence ${String(item.sk)} of ${String(item.pk)} in table ${tableName}`);
}

export function suppressionItem(suppression: Suppression): Item {
  return { ...suppressionKey(suppression.id), kind: 'suppression', ...suppression };
}

export function suppressionFromItem(item: Item, tableName: string): Suppression {
  return readRecord(SUPPRESSION_SCHEMA, item, `suppression ${String(item.sk)} in table ${tableName}`);
}
