/**
 * Rotation states in the findings table (same table, same DocumentClient as shared/findings/dynamodb/store.ts).
 * Every rotation lives in one partition, `pk = ROTATIONS`, `sk = USER#<user name>`: one Query lists
 * them all (a few hundred items at most, written a few times per rotation), and no key can collide
 * with a finding (`F#...`) or a suppression (`SUPPRESSIONS`). The items carry no GSI attribute, so
 * they never appear in the findings indexes. Writes are conditional single-item puts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROTATION_PHASES, type RotationState, type RotationStateStore } from './rotation-state.js';

export const ROTATIONS_PK = 'ROTATIONS';
export const rotationKey = (user: string) => ({ pk: ROTATIONS_PK, sk: `USER#${user}` });

const optional = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const required = (item: Record<string, unknown>, field: string): string => {
  const value = item[field];
  if (typeof value !== 'string') throw new Error(`rotation item ${String(item['sk'])} has no ${field}`);
  return value;
};

function fromItem(item: Record<string, unknown>): RotationState {
  const phase = required(item, 'phase');
  if (!(ROTATION_PHASES as readonly string[]).includes(phase)) throw new Error(`rotation item ${String(item['sk'])} has an unknown phase`);
  return {
    user: required(item, 'user'),
    userArn: required(item, 'userArn'),
    phase: phase as RotationState['phase'],
    oldKeyId: required(item, 'oldKeyId'),
    newKeyId: optional(item['newKeyId']),
    startedAt: required(item, 'startedAt'),
    deactivateAt: required(item, 'deactivateAt'),
    deleteAt: required(item, 'deleteAt'),
    leaseUntil: optional(item['leaseUntil']),
    secretName: required(item, 'secretName'),
    owner: optional(item['owner']),
    updatedAt: required(item, 'updatedAt'),
    note: optional(item['note']),
    version: typeof item['version'] === 'number' ? item['version'] : 0,
  };
}

const toItem = (state: RotationState, version: number) => ({ ...state, ...rotationKey(state.user), kind: 'rotation', version });

export class DynamoRotationStateStore implements RotationStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<RotationState[]> {
    const states: RotationState[] = [];
    const pages = paginateQuery(
      { client: this.client },
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': ROTATIONS_PK }, ConsistentRead: true },
    );
    for await (const page of pages) for (const item of page.Items ?? []) states.push(fromItem(item));
    return states;
  }

  async get(user: string): Promise<RotationState | undefined> {
    const got = await this.client.send(new GetCommand({ TableName: this.tableName, Key: rotationKey(user), ConsistentRead: true }));
    return got.Item === undefined ? undefined : fromItem(got.Item);
  }

  async putIfAbsent(state: RotationState): Promise<boolean> {
    return this.conditionalPut(new PutCommand({ TableName: this.tableName, Item: toItem(state, 1), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async updateIfVersion(next: RotationState, expectedVersion: number): Promise<boolean> {
    return this.conditionalPut(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(next, expectedVersion + 1),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
    );
  }

  private async conditionalPut(command: PutCommand): Promise<boolean> {
    try {
      await this.client.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }
}
