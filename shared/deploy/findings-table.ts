/**
 * The findings table as CloudFormation needs it, derived from the store's own definition
 * (shared/findings/dynamodb/table.ts tableDefinition), so the deployed keys and indexes cannot drift from
 * the ones the code queries. Written to deploy/findings-table.json by scripts/event-pattern.ts.
 */
import { tableDefinition } from '../findings/dynamodb/table.js';
import type { Finding } from '../findings/model.js';

/** The attribute the lifecycle sets on resolved findings (epoch seconds); DynamoDB TTL expires them. */
export const TTL_ATTRIBUTE = 'expiresAt' satisfies keyof Finding;

export interface FindingsTableProperties {
  readonly AttributeDefinitions: readonly { AttributeName: string; AttributeType: string }[];
  readonly KeySchema: readonly { AttributeName: string; KeyType: string }[];
  readonly GlobalSecondaryIndexes: readonly {
    IndexName: string;
    KeySchema: readonly { AttributeName: string; KeyType: string }[];
    Projection: { ProjectionType: string; NonKeyAttributes?: readonly string[] };
  }[];
  readonly TimeToLiveSpecification: { AttributeName: string; Enabled: true };
}

export function findingsTableProperties(): FindingsTableProperties {
  const definition = tableDefinition('unused');
  const keys = (schema: typeof definition.KeySchema) =>
    (schema ?? []).map(({ AttributeName, KeyType }) => ({ AttributeName: String(AttributeName), KeyType: String(KeyType) }));
  return {
    AttributeDefinitions: (definition.AttributeDefinitions ?? []).map(({ AttributeName, AttributeType }) => ({
      AttributeName: String(AttributeName),
      AttributeType: String(AttributeType),
    })),
    KeySchema: keys(definition.KeySchema),
    GlobalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
      IndexName: String(index.IndexName),
      KeySchema: keys(index.KeySchema),
      Projection: {
        ProjectionType: String(index.Projection?.ProjectionType),
        ...(index.Projection?.NonKeyAttributes === undefined ? {} : { NonKeyAttributes: [...index.Projection.NonKeyAttributes] }),
      },
    })),
    TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
  };
}
