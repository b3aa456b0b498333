import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/findings/embedded.js';
import { documentClient } from '../../shared/findings/store.js';
import { ensureFindingsTable } from '../../shared/findings/table.js';
import { DynamoRotationStateStore } from '../../shared/keys/rotation-state-dynamodb.js';
import { InMemoryRotationStateStore, type RotationStateStore } from '../../shared/keys/rotation-state.js';
import { rotationState } from './helpers.js';

let dynamo: EmbeddedDynamo;
let client: DynamoDBDocumentClient;
let table = 0;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  client = documentClient(
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
});
afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

const stores: [string, () => Promise<RotationStateStore>][] = [
  ['in memory', async () => new InMemoryRotationStateStore()],
  [
    'DynamoDB (dynalite, the findings table)',
    async () => {
      const name = `rotations-${(table += 1)}`;
      await ensureFindingsTable(client as unknown as DynamoDBClient, name);
      return new DynamoRotationStateStore(client, name);
    },
  ],
];

describe.each(stores)('rotation state store: %s', (_name, open) => {
  it('puts a state only when the user has none', async () => {
    const store = await open();
    const state = rotationState({ user: 'alice', oldKeyId: 'AKIAOLD', version: 1, newKeyId: undefined, phase: 'starting' });
    expect(await store.putIfAbsent(state)).toBe(true);
    expect(await store.putIfAbsent({ ...state, oldKeyId: 'AKIAOTHER' })).toBe(false);
    expect(await store.get('alice')).toEqual(state);
    expect(await store.get('nobody')).toBeUndefined();
  });

  it('updates only from the expected version, and lists every state', async () => {
    const store = await open();
    const state = rotationState({ user: 'bob', oldKeyId: 'AKIAOLD', version: 1 });
    await store.putIfAbsent(state);
    await store.putIfAbsent(rotationState({ user: 'carol', oldKeyId: 'AKIAC', version: 1 }));
    expect(await store.updateIfVersion({ ...state, phase: 'old-deactivated', version: 2 }, 1)).toBe(true);
    expect(await store.updateIfVersion({ ...state, phase: 'done', version: 2 }, 1)).toBe(false);
    expect(await store.get('bob')).toMatchObject({ phase: 'old-deactivated', version: 2 });
    expect((await store.list()).map((s) => s.user).sort()).toEqual(['bob', 'carol']);
  });

  it('two writers racing on the same version: exactly one wins', async () => {
    const store = await open();
    const state = rotationState({ user: 'dan', oldKeyId: 'AKIAD', version: 1, phase: 'done' });
    await store.putIfAbsent(state);
    const results = await Promise.all([1, 2, 3].map((n) => store.updateIfVersion({ ...state, phase: 'starting', oldKeyId: `AKIA${n}`, version: 2 }, 1)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
