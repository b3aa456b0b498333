import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingsStore } from '../../shared/findings/store.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { at, detected, evaluation } from '../support/findings-factory.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

async function freshStore(options: { exclusive?: boolean } = {}): Promise<FindingsStore> {
  return new FindingsStore(dynamo.client, await dynamo.createTable(), options);
}

describe('one finding per risk, safe under repeats', () => {
  it('behaves the same in an exclusive store, which writes findings in batches', async () => {
    const store = await freshStore({ exclusive: true });
    const first = detected({ eventTime: at(0) });
    const second = detected({ eventTime: at(30) });

    await store.apply(evaluation({ detected: [first] }));
    await store.apply(evaluation({ detected: [first, second] }));
    const again = await store.apply(evaluation({ detected: [first, second] }));

    expect(again.changes).toMatchObject([{ findingId: first.findingId, outcome: 'unchanged' }]);
    expect(await store.get(first.findingId)).toMatchObject({ status: 'open', count: 2 });
    expect(await store.occurrences(first.findingId)).toHaveLength(2);
  });

  it('opens a finding on the first detection and counts a second event as an occurrence', async () => {
    const store = await freshStore();
    const first = detected({ eventTime: at(0) });
    const second = detected({ eventTime: at(30), actor: 'arn:aws:iam::123456789012:user/mallory' });

    const opened = await store.apply(evaluation({ detected: [first] }));
    const updated = await store.apply(evaluation({ detected: [second] }));

    expect(opened.changes).toMatchObject([{ findingId: first.findingId, outcome: 'opened' }]);
    expect(updated.changes).toMatchObject([{ findingId: first.findingId, outcome: 'updated' }]);
    const finding = await store.get(first.findingId);
    expect(finding).toMatchObject({ status: 'open', count: 2, firstSeen: at(0), lastSeen: at(30), alertState: 'pending' });
    expect(finding?.recentOccurrences.map((o) => o.actor)).toEqual(['arn:aws:iam::123456789012:user/mallory', 'arn:aws:iam::123456789012:root']);
    expect(await store.occurrences(first.findingId)).toHaveLength(2);
  });

  it('changes nothing when the same event arrives twice', async () => {
    const store = await freshStore();
    const event = detected();

    await store.apply(evaluation({ detected: [event] }));
    const again = await store.apply(evaluation({ detected: [event] }));

    expect(again.changes).toMatchObject([{ outcome: 'unchanged' }]);
    expect(await store.get(event.findingId)).toMatchObject({ count: 1 });
  });

  it('changes nothing when the same batch (a file replayed twice) is flushed again', async () => {
    const store = await freshStore();
    const events = [detected({ eventTime: at(1) }), detected({ eventTime: at(2) }), detected({ eventTime: at(3), scope: 'AKIAOTHER' })];
    const replay = async () => {
      const batch = store.batch();
      for (const event of events) batch.add(evaluation({ detected: [event] }));
      return batch.flush();
    };

    const first = await replay();
    const second = await replay();

    expect(first.counts).toMatchObject({ opened: 2 });
    expect(second.counts).toMatchObject({ unchanged: 2, opened: 0, updated: 0 });
    expect(await store.get(events[0]!.findingId)).toMatchObject({ count: 2 });
  });

  it('counts each distinct event once when two writers race on one finding', async () => {
    const table = await dynamo.createTable();
    const writers = [new FindingsStore(dynamo.client, table), new FindingsStore(dynamo.client, table), new FindingsStore(dynamo.client, table)];
    const events = Array.from({ length: 12 }, (_, i) => detected({ eventTime: at(i) }));

    // Each writer gets overlapping slices; every event is delivered at least twice.
    await Promise.all(writers.flatMap((store, w) => events.filter((_, i) => i % 3 !== w).map((event) => store.apply(evaluation({ detected: [event] })))));

    const finding = await writers[0]!.get(events[0]!.findingId);
    expect(finding).toMatchObject({ count: 12, firstSeen: at(0), lastSeen: at(11), status: 'open' });
    expect(await writers[0]!.occurrences(events[0]!.findingId)).toHaveLength(12);
  });
});
