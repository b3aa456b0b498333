// What only the deployed table does: several writers (Lambda invocations) share it, so every write
// is conditional on the version read. The contract suite covers the rest.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import { findingKey } from '../../shared/findings/dynamodb/table.js';
import { useDynalite } from '../support/emulators.js';
import { at, detected, evaluation } from '../support/findings-factory.js';

const dynamo = useDynalite();

describe('the DynamoDB findings store', () => {
  it('counts each distinct event once when separate writers race on one finding', async () => {
    const table = await dynamo.createTable();
    const writers = [0, 1, 2].map(() => new DynamoFindingsStore(dynamo.client, table));
    const events = Array.from({ length: 12 }, (_, i) => detected({ eventTime: at(i) }));

    // Each writer gets overlapping slices; every event is delivered at least twice.
    await Promise.all(writers.flatMap((store, w) => events.filter((_, i) => i % 3 !== w).map((event) => store.apply(evaluation({ detected: [event] })))));

    const finding = await writers[0]!.get(events[0]!.findingId);
    expect(finding).toMatchObject({ count: 12, firstSeen: at(0), lastSeen: at(11), status: 'open' });
    expect(await writers[0]!.occurrences(events[0]!.findingId)).toHaveLength(12);
  });

  it('keeps the index keys and the idempotency memory on the finding item', async () => {
    const table = await dynamo.createTable();
    const store = new DynamoFindingsStore(dynamo.client, table);
    const raised = detected({ eventTime: at(0) });

    await store.apply(evaluation({ detected: [raised] }));

    const { Item } = await dynamo.client.send(new GetCommand({ TableName: table, Key: findingKey(raised.findingId) }));
    expect(Item).toMatchObject({
      version: 1,
      seen: { [raised.eventId]: at(0) },
      gsi1pk: 'open#critical',
      gsi2pk: `${raised.ruleId}#open`,
      gsi3pk: raised.resource,
      gsi1sk: `${at(0)}#${raised.findingId}`,
      latestActor: raised.actor,
    });
  });
});
