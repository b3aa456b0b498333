// One of several processes started together by operator-faults.test.ts, all opening the same store
// for a while: node bin/run-ts.js test/replay/lock-contender.ts DIR START_AT_MS FOR_MS prints one JSON
// line with the intervals it held the store and how each refused attempt was refused (at least 20
// attempts, however late a loaded machine starts it).
import { StoreInUseError } from '../../shared/findings/errors.js';
import { openEmbeddedStore } from '../../shared/findings/sqlite/open.js';

const [dir = '', startAt = '0', forMs = '0'] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const until = Date.now() + Number(forMs);
const held: [number, number][] = [];
const refusals: string[] = [];
while (Date.now() < until || held.length + refusals.length < 20) {
  try {
    const opened = await openEmbeddedStore(dir);
    const from = performance.timeOrigin + performance.now();
    await opened.store.list({});
    await new Promise((resolve) => setTimeout(resolve, 10));
    const to = performance.timeOrigin + performance.now();
    await opened.close();
    held.push([from, to]);
  } catch (error) {
    refusals.push(error instanceof StoreInUseError ? 'in use' : `${(error as Error).name}: ${(error as Error).message}`);
  }
}
process.stdout.write(`${JSON.stringify({ held, refusals })}\n`);
