// Input that would cost more than itself: over-long lines and documents, binary data, endless devices,
// FIFOs fed slowly, key fields that would not fit a table key. Each costs only the piece at fault.
import { execFile, execFileSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_KEY_FIELD_CHARS, MAX_LINE_BYTES } from '../../shared/cloudtrail/limits.js';
import { readCloudTrail, type ReadProblem } from '../../shared/cloudtrail/read.js';
import { collect, record, useTempDir } from './read-helpers.js';

const tempDir = useTempDir();
const run = promisify(execFile);
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const READ_IN_CHILD = fileURLToPath(new URL('./read-in-child.ts', import.meta.url));
const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

async function fileWith(name: string, ...parts: (string | Buffer)[]): Promise<string> {
  const file = join(await tempDir(), name);
  await writeFile(file, Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))));
  return file;
}

describe('the reader caps what one piece of input may hold', () => {
  it('skips a line longer than the cap, in its place, and reads the lines after it', async () => {
    const file = await fileWith('long.jsonl', line(record(1)), Buffer.alloc(MAX_LINE_BYTES + 1, 'a'), '\n', line(record(3)));

    const { records, problems } = await collect([file]);

    expect(records.map(({ eventID, position }) => `${eventID} ${position}`)).toEqual(['event-1 line 1', 'event-3 line 3']);
    expect(problems).toEqual([{ file, position: 'line 2', reason: 'longer than 128 MiB, the most one line may hold' }]);
  });

  it('skips a document over several lines larger than the cap, and reads the next input', async () => {
    // Neither "[" nor the first string is JSON on its own line: one pretty-printed document.
    const item = `  "${'a'.repeat(1022)}",\n`;
    const body = Buffer.from(item.repeat(Math.ceil(MAX_LINE_BYTES / item.length) + 1));
    const big = await fileWith('pretty.json', '[\n', body, '  "end"\n]\n');
    const good = await fileWith('good.json', line(record(2)));

    const { records, problems } = await collect([big, good]);

    expect(problems).toEqual([{ file: big, reason: 'a document over several lines larger than 128 MiB, the most one may hold' }]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-2']);
  });

  it('skips a gzip file that expands to 5 GiB on one line, in bounded memory, and reads the next input', async () => {
    // 80 gzip members of 64 MiB each: a 5 MB file, as in the report of the fault, built in a blink.
    const member = gzipSync(Buffer.alloc(64 << 20, 'a'));
    const bomb = await fileWith('bomb.json.gz', ...Array.from({ length: 80 }, () => member));
    const good = await fileWith('good.json', line(record(1)));

    const output = await run(process.execPath, [RUN_TS, READ_IN_CHILD, bomb, good], { maxBuffer: 1 << 20 });
    const read = JSON.parse(output.stdout) as { records: string[]; problems: ReadProblem[]; peakRssMb: number };

    expect(read.problems).toEqual([{ file: bomb, position: 'line 1', reason: 'longer than 128 MiB, the most one line may hold' }]);
    expect(read.records).toEqual(['event-1']);
    expect(read.peakRssMb).toBeLessThan(512);
  }, 120_000);

  it('stops at a NUL byte, which JSON text never holds, keeping the lines before it', async () => {
    const file = await fileWith('binary.jsonl', line(record(1)), Buffer.from([0x7b, 0x00, 0x01, 0x0a]), line(record(3)));

    const { records, problems } = await collect([file]);

    expect(records.map((entry) => entry.eventID)).toEqual(['event-1']);
    expect(problems).toEqual([{ file, position: 'line 2', reason: 'a NUL byte: binary data, not JSON text (the rest of this input is not read)' }]);
  });

  it('leaves an endless device at once (/dev/zero) and reads the next input', async () => {
    const good = await fileWith('good.json', line(record(1)));

    const { records, problems } = await collect(['/dev/zero', good]);

    expect(problems).toEqual([{ file: '/dev/zero', position: 'line 1', reason: expect.stringMatching(/^a NUL byte/) }]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-1']);
  });

  it('streams a FIFO: its records come as they are written, even after a file read ahead', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'live.fifo');
    execFileSync('mkfifo', [fifo]);
    const before = await fileWith('before.json', line(record(1)));
    let firstFromFifo!: () => void;
    const seenFirst = new Promise<void>((resolve) => {
      firstFromFifo = resolve;
    });
    // The writer sends one record, waits until the reader has it, then sends another and closes:
    // a reader that waited for the end of the FIFO would never see the first.
    const writer = (async () => {
      const handle = await open(fifo, 'w');
      await handle.write(line(record(2)));
      await seenFirst;
      await handle.write(line(record(3)));
      await handle.close();
    })();

    const seen: string[] = [];
    const problems: ReadProblem[] = [];
    for await (const { record: read } of readCloudTrail([before, fifo], { onProblem: (problem) => problems.push(problem) })) {
      seen.push(read.eventID);
      if (read.eventID === 'event-2') firstFromFifo();
    }
    await writer;

    expect(seen).toEqual(['event-1', 'event-2', 'event-3']);
    expect(problems).toEqual([]);
  });
});

describe('the reader refuses key fields that could not be kept', () => {
  it.each([
    [
      'an eventTime of 1,100 characters',
      { eventTime: `2026-11-20T10:15:30Z${'x'.repeat(1080)}` },
      "eventTime is not a time in CloudTrail's form (2026-11-20T10:15:30Z)",
    ],
    ['an eventTime that is not a time', { eventTime: 'yesterday' }, "eventTime is not a time in CloudTrail's form (2026-11-20T10:15:30Z)"],
    ['an eventTime with a time zone offset', { eventTime: '2026-11-20T10:15:30+02:00' }, "eventTime is not a time in CloudTrail's form (2026-11-20T10:15:30Z)"],
    ['an eventID too long for a key', { eventID: 'e'.repeat(MAX_KEY_FIELD_CHARS + 1) }, 'eventID is longer than 128 characters'],
    ['an eventName too long for a key', { eventName: 'N'.repeat(MAX_KEY_FIELD_CHARS + 1) }, 'eventName is longer than 128 characters'],
  ] as const)('skips a record with %s, in every form, and keeps the others', async (_case, overrides, reason) => {
    const bad = record(2, overrides);
    const lines = await fileWith('events.jsonl', line(record(1)), line(bad), line(record(3)));
    const log = await fileWith('log.json', JSON.stringify({ Records: [record(1), bad, record(3)] }));

    const read = await collect([lines, log]);

    expect(read.records.map(({ eventID, position }) => `${eventID} ${position}`)).toEqual([
      'event-1 line 1',
      'event-3 line 3',
      'event-1 record 1',
      'event-3 record 3',
    ]);
    expect(read.problems).toEqual([
      { file: lines, position: 'line 2', reason },
      { file: log, position: 'record 2', reason },
    ]);
  });

  it('accepts the times CloudTrail writes, with or without fractions of a second', async () => {
    const file = await fileWith(
      'times.jsonl',
      line(record(1, { eventTime: '2026-11-20T10:15:30Z' })),
      line(record(2, { eventTime: '2026-11-20T10:15:30.123Z' })),
    );

    const { records, problems } = await collect([file]);

    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-2']);
    expect(problems).toEqual([]);
  });
});
