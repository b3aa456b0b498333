import { describe, expect, it } from 'vitest';
import { DynamoRotationStateStore } from '../../shared/keys/rotation-state-dynamodb.js';
import { InMemoryRotationStateStore, type RotationStateStore } from '../../shared/keys/rotation-state.js';
import { useDynalite } from '../support/emulators.js';
import { rotationState } from './helpers.js';

const dynamo = useDynalite();

const stores: [string, () => Promise<RotationStateStore>][] = [
  ['in memory', async () => new InMemoryRotationStateStore()],
  ['DynamoDB (dynalite, the findings table)', async () => new DynamoRotationStateStore(dynamo.client, await dynamo.createTable('rotations'))],
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
