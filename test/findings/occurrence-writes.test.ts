import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient, DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import { detected, evaluation } from '../support/findings-factory.js';

// The order of calls is the point here (occurrences stored before the finding that counts them), and
// a throttled BatchWriteItem is hard to provoke on dynalite: a mock of the document client.
const TABLE = 'findings';
const dynamo = mockClient(DynamoDBDocumentClient);
const store = new DynamoFindingsStore(documentClient(new DynamoDBClient({ region: 'us-east-1' })), TABLE);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
  dynamo.on(PutCommand).resolves({});
});
afterEach(() => dynamo.reset());

const sentOrder = (): string[] => dynamo.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);
const occurrenceKeys = (call: number): string[] =>
  (dynamo.commandCalls(BatchWriteCommand)[call]?.args[0].input.RequestItems?.[TABLE] ?? []).map((request) => String(request.PutRequest?.Item?.['sk']));

describe('occurrence writes under throttling (DynamoDB)', () => {
  it('writes no finding while its occurrence is throttled, so the retry of the event stores both', async () => {
    const raised = detected();
    dynamo
      .on(BatchWriteCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'throughput exceeded', $metadata: {} }))
      .resolves({});

    const failure: unknown = await store.apply(evaluation({ detected: [raised] })).catch((error: unknown) => error);
    const putsBeforeRetry = dynamo.commandCalls(PutCommand).length;
    await store.apply(evaluation({ detected: [raised] }));

    expect(failure).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(putsBeforeRetry).toBe(0);
    expect(occurrenceKeys(1)).toEqual([`O#${raised.eventTime}#${raised.eventId}`]);
    expect(sentOrder().lastIndexOf('BatchWriteCommand')).toBeLessThan(sentOrder().lastIndexOf('PutCommand'));
  });

  it('retries the items BatchWriteItem leaves unprocessed before writing the finding', async () => {
    const raised = detected();
    dynamo
      .on(BatchWriteCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }))
      .resolves({});

    await store.apply(evaluation({ detected: [raised] }));

    expect(occurrenceKeys(0)).toEqual(occurrenceKeys(1));
    expect(occurrenceKeys(1)).toEqual([`O#${raised.eventTime}#${raised.eventId}`]);
    expect(sentOrder().filter((name) => name !== 'QueryCommand')).toEqual(['BatchGetCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'PutCommand']);
  });
});
