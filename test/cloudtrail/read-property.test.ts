import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STDIN_NAME } from '../../shared/cloudtrail/read.js';
import { collect, record } from './read-helpers.js';

/** Bytes cut into chunks at arbitrary places, as a pipe may deliver them. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(Buffer.from(bytes.subarray(start, point)));
    start = point;
  }
  return chunks;
}

const cuts = fc.array(fc.nat(), { maxLength: 6 });
const recordLike = fc.record({ eventID: fc.string(), eventSource: fc.string(), eventName: fc.string(), eventTime: fc.string() }, { requiredKeys: [] });
/** JSON shaped like each accepted form, with anything inside. */
const documentLike = fc.oneof(
  fc.jsonValue(),
  fc.record({ Records: fc.oneof(fc.array(fc.oneof(recordLike, fc.jsonValue())), fc.jsonValue()) }),
  fc.record({
    Events: fc.oneof(
      fc.array(
        fc.record({
          CloudTrailEvent: fc.oneof(
            fc.string(),
            fc.json(),
            recordLike.map((value) => JSON.stringify(value)),
            fc.jsonValue(),
          ),
        }),
      ),
      fc.jsonValue(),
    ),
  }),
  fc.record({ 'detail-type': fc.oneof(fc.constant('AWS API Call via CloudTrail'), fc.jsonValue()), detail: fc.oneof(recordLike, fc.jsonValue()) }),
);
const text = fc.oneof(
  fc.string(),
  fc.json(),
  documentLike.map((value) => JSON.stringify(value)),
  fc.array(documentLike).map((values) => values.map((value) => JSON.stringify(value)).join('\n')),
  documentLike.map((value) => JSON.stringify(value, null, 2)),
);
const input = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  text.map((value) => Buffer.from(value)),
  text.map((value) => gzipSync(value)),
  fc.tuple(text, fc.nat()).map(([value, cut]) => {
    const zipped = gzipSync(value);
    return zipped.subarray(0, cut % (zipped.length + 1));
  }),
);

describe('readCloudTrail on arbitrary input', () => {
  it('never throws, and every problem names the input and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(input, cuts, async (bytes, at) => {
        const { records, problems } = await collect(['-'], Readable.from(chunked(bytes, at)));

        for (const problem of problems) {
          expect(problem.file).toBe(STDIN_NAME);
          expect(problem.reason.length).toBeGreaterThan(0);
        }
        for (const entry of records) expect(typeof entry.eventID).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('yields the same records however JSON Lines are cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 20 }), fc.boolean(), cuts, async (ids, gzip, at) => {
        const body = Buffer.from(ids.map((id) => JSON.stringify(record(id))).join('\n'));

        const { records, problems } = await collect(['-'], Readable.from(chunked(gzip ? gzipSync(body) : body, at)));

        expect(problems).toEqual([]);
        expect(records.map((entry) => entry.eventID)).toEqual(ids.map((id) => `event-${id}`));
        expect(records.map((entry) => entry.position)).toEqual(ids.map((_, index) => `line ${index + 1}`));
      }),
      { numRuns: 200 },
    );
  });
});
