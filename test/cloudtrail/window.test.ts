// Which records and which log files a --since/--until window keeps, at its edges, and remote files read
// in their order whatever order their downloads finish in.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readCloudTrail, type ReadProblem } from '../../shared/cloudtrail/read.js';
import type { Loaded, RemoteFile } from '../../shared/cloudtrail/read-load.js';
import { isTrailLogKey, trailKeyInWindow } from '../../shared/cloudtrail/s3-logs.js';
import { isInWindow } from '../../shared/cloudtrail/window.js';

const window = { since: new Date('2026-01-02T00:00:00Z'), until: new Date('2026-01-03T00:00:00Z') };
const key = (day: string) => `AWSLogs/111122223333/CloudTrail/us-east-1/${day}/111122223333_CloudTrail_us-east-1_x.json.gz`;

describe('the replay window', () => {
  it('keeps events from --since inclusive to --until exclusive, and no event whose time cannot be read', () => {
    expect(
      ['2026-01-01T23:59:59Z', '2026-01-02T00:00:00Z', '2026-01-02T23:59:59Z', '2026-01-03T00:00:00Z', 'yesterday'].map((time) => isInWindow(time, window)),
    ).toEqual([false, true, true, false, false]);
    expect(isInWindow('1999-01-01T00:00:00Z', {})).toBe(true);
  });

  it("keeps the log files of the window's days and of the day after its last, delivered late", () => {
    expect(['2026/01/01', '2026/01/02', '2026/01/03', '2026/01/04'].map((day) => trailKeyInWindow(key(day), window))).toEqual([false, true, true, false]);
    // An --until at noon still ends on the 3rd: the 4th may hold its last events.
    expect(trailKeyInWindow(key('2026/01/04'), { until: new Date('2026-01-03T12:00:00Z') })).toBe(true);
    expect(trailKeyInWindow('my-exports/trail.json.gz', window)).toBe(true);
  });
});

describe('trail log keys', () => {
  it('are the log files of API records, not digests, Insights events or folders', () => {
    const keys = [
      key('2026/01/02'),
      'exports/trail.json',
      'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/02/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260102T0000Z.json.gz',
      'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/02/111122223333_CloudTrail-Insight_us-east-1_x.json.gz',
      'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/02/',
      'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/02/notes.txt',
    ];
    expect(keys.map(isTrailLogKey)).toEqual([true, true, false, false, false, false]);
  });
});

describe('remote files', () => {
  it('are read in their order while later ones download at the same time, and a failed one is reported in its place', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const remote = (name: string, delayMs: number, result: () => Loaded): RemoteFile => ({
      name,
      async load() {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await sleep(delayMs);
        inFlight -= 1;
        return result();
      },
    });
    const file = (eventID: string): Loaded => ({
      kind: 'bytes',
      bytes: Buffer.from(
        JSON.stringify({ Records: [{ eventID, eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2026-01-02T00:00:00Z' }] }),
      ),
    });
    const problems: ReadProblem[] = [];

    const read: string[] = [];
    for await (const { record, origin } of readCloudTrail(
      [
        remote('s3://b/1', 40, () => file('first')),
        remote('s3://b/2', 5, () => ({ kind: 'unreadable', error: new Error('AccessDenied: Access Denied') })),
        remote('s3://b/3', 1, () => file('third')),
      ],
      { loadAhead: 3, onProblem: (problem) => problems.push(problem) },
    ))
      read.push(`${origin.file} ${record.eventID}`);

    expect(read).toEqual(['s3://b/1 first', 's3://b/3 third']);
    expect(problems).toEqual([{ file: 's3://b/2', reason: 'cannot read: AccessDenied: Access Denied' }]);
    expect(mostInFlight).toBe(3);
  });

  it('destroys a body still streaming when reading stops early, so no connection stays open', async () => {
    const record = { eventID: 'first', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2026-01-02T00:00:00Z' };
    const body = Readable.from([Buffer.from(JSON.stringify({ Records: [record] }))]);
    const files: RemoteFile[] = [
      { name: 's3://b/1', load: async () => ({ kind: 'bytes', bytes: Buffer.from(JSON.stringify({ Records: [record] })) }) },
      { name: 's3://b/2', load: async () => ({ kind: 'chunks', chunks: body }) },
    ];

    for await (const _read of readCloudTrail(files, { loadAhead: 2, onProblem: () => {} })) break;
    await sleep(1);

    expect(body.destroyed).toBe(true);
  });
});
