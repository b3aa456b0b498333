import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCloudTrail, STDIN_NAME } from '../../shared/cloudtrail/read.js';
import { collect, inputs, record, useTempDir } from './read-helpers.js';

const id = (n: number) => `9a8b7c6d-1111-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const tempDir = useTempDir();

describe('readCloudTrail recognises each input by its content', () => {
  it.each([
    [
      'a CloudTrail S3 log file',
      'cloudtrail-log-file.json',
      [
        [1, 'record 1'],
        [2, 'record 2'],
        [3, 'record 3'],
      ],
    ],
    [
      'a JSON array of records',
      'records-array.json',
      [
        [4, 'record 1'],
        [5, 'record 2'],
      ],
    ],
    ['a single EventBridge event (the record is its detail)', 'eventbridge-api-call.json', [[3, 'record 1']]],
    ['a single pretty-printed record', 'single-record.json', [[4, 'record 1']]],
    [
      'JSON Lines mixing EventBridge events of the three CloudTrail detail-types and plain records',
      'mixed.jsonl',
      [
        [1, 'line 1'],
        [2, 'line 2'],
        [5, 'line 3'],
        [6, 'line 4'],
      ],
    ],
    [
      'aws cloudtrail lookup-events output with a NextToken',
      'lookup-events.json',
      [
        [3, 'event 1'],
        [5, 'event 2'],
      ],
    ],
  ] as const)('reads %s', async (_form, name, expected) => {
    const file = inputs(name);

    const { records, problems, done } = await collect([file]);

    expect(problems).toEqual([]);
    expect(records).toEqual(expected.map(([n, position]) => ({ eventID: id(n), file, position })));
    expect(done).toEqual([{ file, records: expected.length }]);
  });

  it.each(['cloudtrail-log-file.json', 'mixed.jsonl', 'lookup-events.json', 'eventbridge-api-call.json'])(
    'reads the gzip of %s the same way, whatever the file is called',
    async (name) => {
      const dir = await tempDir();
      const plain = await collect([inputs(name)]);
      const file = join(dir, 'no-extension');
      await writeFile(file, gzipSync(await readFile(inputs(name))));

      const { records, problems } = await collect([file]);

      expect(problems).toEqual([]);
      expect(records).toEqual(plain.records.map((entry) => ({ ...entry, file })));
    },
  );

  it('reads concatenated gzip members as one stream', async () => {
    const dir = await tempDir();
    const file = join(dir, 'two-members.jsonl.gz');
    await writeFile(file, Buffer.concat([gzipSync(`${JSON.stringify(record(1))}\n`), gzipSync(`${JSON.stringify(record(2))}\n`)]));

    const { records, problems } = await collect([file]);

    expect(problems).toEqual([]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-2']);
  });

  it('accepts a byte order mark, CRLF line ends and blank lines in JSON Lines', async () => {
    const dir = await tempDir();
    const file = join(dir, 'windows.jsonl');
    await writeFile(file, `\uFEFF${JSON.stringify(record(1))}\r\n\r\n${JSON.stringify(record(2))}\r\n`);

    const { records, problems } = await collect([file]);

    expect(problems).toEqual([]);
    expect(records.map(({ eventID, position }) => [eventID, position])).toEqual([
      ['event-1', 'line 1'],
      ['event-2', 'line 3'],
    ]);
  });

  it('numbers records of a Records document on a later line by line and record', async () => {
    const dir = await tempDir();
    const file = join(dir, 'two-log-files.jsonl');
    await writeFile(file, `${JSON.stringify({ Records: [record(1)] })}\n${JSON.stringify({ Records: [record(2), record(3)] })}\n`);

    const { records } = await collect([file]);

    expect(records.map((entry) => entry.position)).toEqual(['record 1', 'line 2, record 1', 'line 2, record 2']);
  });

  it('reads inputs in the order given, the same file twice if asked', async () => {
    const log = inputs('cloudtrail-log-file.json');
    const single = inputs('single-record.json');

    const { records, done } = await collect([single, log, single]);

    expect(records.map((entry) => entry.eventID)).toEqual([id(4), id(1), id(2), id(3), id(4)]);
    expect(done.map((entry) => entry.file)).toEqual([single, log, single]);
  });
});

describe('readCloudTrail walks directories', () => {
  async function awsLogs(root: string): Promise<string[]> {
    const files: string[] = [];
    const put = async (relative: string, body: Buffer | string) => {
      const path = join(root, relative);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, body);
      return path;
    };
    const trail = 'AWSLogs/111122223333/CloudTrail';
    // Written out of order on purpose: the walk sorts.
    files[2] = await put(
      `${trail}/us-east-1/2026/11/21/111122223333_CloudTrail_us-east-1_20261121T0000Z_AAAA.json.gz`,
      gzipSync(JSON.stringify({ Records: [record(3)] })),
    );
    files[0] = await put(
      `${trail}/eu-west-1/2026/11/20/111122223333_CloudTrail_eu-west-1_20261120T0905Z_ZZZZ.json.gz`,
      gzipSync(JSON.stringify({ Records: [record(1)] })),
    );
    files[1] = await put(
      `${trail}/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T2355Z_BBBB.json.gz`,
      gzipSync(JSON.stringify({ Records: [record(2)] })),
    );
    files[3] = await put(
      `${trail}/us-east-1/2026/11/21/111122223333_CloudTrail_us-east-1_20261121T0005Z_CCCC.json.gz`,
      gzipSync(JSON.stringify({ Records: [record(4), record(5)] })),
    );
    // Not records: skipped without a word.
    await put(
      'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T0000Z.json.gz',
      gzipSync('{"awsAccountId":"111122223333"}'),
    );
    await put(
      `${trail}/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T0000Z.json.gz`,
      gzipSync('{"awsAccountId":"111122223333"}'),
    );
    await put('AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/11/20/insight.json.gz', gzipSync('{"Records":[{"eventID":"x"}]}'));
    await put(`${trail}/.DS_Store`, 'binary junk');
    await put('.hidden/secret.json', JSON.stringify(record(99)));
    return files;
  }

  it('reads the AWSLogs layout in sorted order, skipping digests, Insights and hidden files', async () => {
    const root = await tempDir();
    const files = await awsLogs(root);

    const { records, problems, done } = await collect([root]);

    expect(problems).toEqual([]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-2', 'event-3', 'event-4', 'event-5']);
    expect(done).toEqual([
      { file: files[0], records: 1 },
      { file: files[1], records: 1 },
      { file: files[2], records: 1 },
      { file: files[3], records: 2 },
    ]);
  });

  it('follows a symbolic link to a directory once, without looping', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'a.json'), JSON.stringify(record(1)));
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'sub', 'b.json'), JSON.stringify(record(2)));
    await symlink(root, join(root, 'sub', 'loop'));

    const { records, problems } = await collect([root]);

    expect(problems).toEqual([]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-2']);
  });
});

describe('readCloudTrail reads standard input for -', () => {
  it.each([
    ['a CloudTrail S3 log file', 'cloudtrail-log-file.json', false],
    ['gzip JSON Lines', 'mixed.jsonl', true],
    ['lookup-events output', 'lookup-events.json', false],
  ] as const)('reads %s from standard input', async (_form, name, gzip) => {
    const bytes = await readFile(inputs(name));
    const fromFile = await collect([inputs(name)]);

    const { records, problems, done } = await collect(['-'], Readable.from([gzip ? gzipSync(bytes) : bytes]));

    expect(problems).toEqual([]);
    expect(records).toEqual(fromFile.records.map((entry) => ({ ...entry, file: STDIN_NAME })));
    expect(done).toEqual([{ file: STDIN_NAME, records: fromFile.records.length }]);
  });

  it('reads standard input that yields strings and splits chunks anywhere', async () => {
    const text = `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`;
    const pieces = Array.from({ length: Math.ceil(text.length / 7) }, (_, index) => text.slice(index * 7, index * 7 + 7));

    const { records, problems } = await collect(['-'], Readable.from(pieces));

    expect(problems).toEqual([]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-2']);
  });

  it('yields the first JSON Lines record before the stream has ended', async () => {
    const stdin = new PassThrough();
    const iterator = readCloudTrail(['-'], { stdin, onProblem: () => undefined })[Symbol.asyncIterator]();

    stdin.write(`${JSON.stringify(record(1))}\n`);
    const first = await iterator.next();

    expect(first.done).toBe(false);
    expect(first.value?.record.eventID).toBe('event-1');
    expect(stdin.writableEnded).toBe(false);

    stdin.write(JSON.stringify(record(2)));
    stdin.end();
    expect((await iterator.next()).value?.record.eventID).toBe('event-2');
    expect((await iterator.next()).done).toBe(true);
  });

  it('yields the first gzip JSON Lines record before the stream has ended', async () => {
    const stdin = new PassThrough();
    const iterator = readCloudTrail(['-'], { stdin, onProblem: () => undefined })[Symbol.asyncIterator]();
    const { createGzip, constants } = await import('node:zlib');
    const gzip = createGzip();
    gzip.pipe(stdin);

    gzip.write(`${JSON.stringify(record(1))}\n`);
    gzip.flush(constants.Z_SYNC_FLUSH);
    const first = await iterator.next();

    expect(first.value?.record.eventID).toBe('event-1');
    gzip.end(`${JSON.stringify(record(2))}\n`);
    expect((await iterator.next()).value?.record.eventID).toBe('event-2');
    expect((await iterator.next()).done).toBe(true);
  });
});
