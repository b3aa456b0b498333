import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCloudTrail } from '../../shared/cloudtrail/read.js';
import { collect, record, useTempDir } from './read-helpers.js';

const tempDir = useTempDir();
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

async function fileWith(name: string, body: string | Buffer): Promise<string> {
  const file = join(await tempDir(), name);
  await writeFile(file, body);
  return file;
}

describe('readCloudTrail reports bad input and goes on', () => {
  it('reports a file that is not JSON', async () => {
    const file = await fileWith('notes.txt', 'hello world\n');

    const { records, problems, done } = await collect([file]);

    expect(records).toEqual([]);
    expect(problems).toEqual([{ file, position: 'line 1', reason: 'not JSON' }]);
    expect(done).toEqual([{ file, records: 0 }]);
  });

  it('never quotes the input in a reason', async () => {
    const file = await fileWith('leak.txt', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');

    const { problems } = await collect([file]);

    expect(problems).toHaveLength(1);
    expect(JSON.stringify(problems)).not.toContain('wJalr');
  });

  it('skips a bad JSON Lines line and keeps the records around it', async () => {
    const file = await fileWith('events.jsonl', `${line(record(1))}{"eventID": "event-2", "eventSo\n${line(record(3))}`);

    const { records, problems } = await collect([file]);

    expect(records.map(({ eventID, position }) => `${eventID} ${position}`)).toEqual(['event-1 line 1', 'event-3 line 3']);
    expect(problems).toEqual([{ file, position: 'line 2', reason: expect.stringMatching(/^not JSON/) }]);
  });

  it('reads JSON Lines whose first line is bad', async () => {
    const file = await fileWith('events.jsonl', `garbage\n${line(record(2))}${line(record(3))}`);

    const { records, problems } = await collect([file]);

    expect(records.map((entry) => entry.eventID)).toEqual(['event-2', 'event-3']);
    expect(problems).toEqual([{ file, position: 'line 1', reason: 'not JSON' }]);
  });

  it('reads JSON Lines whose first two lines are bad', async () => {
    const file = await fileWith('events.jsonl', `garbage\n{"half":\n${line(record(3))}${line(record(4))}`);

    const { records, problems } = await collect([file]);

    expect(records.map(({ eventID, position }) => `${eventID} ${position}`)).toEqual(['event-3 line 3', 'event-4 line 4']);
    expect(problems.map((problem) => problem.position)).toEqual(['line 1', 'line 2']);
  });

  it('reports a truncated pretty-printed document once, at the line where it stops', async () => {
    const text = JSON.stringify({ Records: [record(1), record(2)] }, null, 2);
    const file = await fileWith('cut.json', text.slice(0, text.length / 2));

    const { records, problems } = await collect([file]);

    expect(records).toEqual([]);
    expect(problems).toEqual([{ file, position: expect.stringMatching(/^line \d+$/), reason: expect.stringMatching(/^not JSON: .+/) }]);
  });

  it('reports a pretty-printed document with a syntax error at its line', async () => {
    const text = JSON.stringify([record(1), record(2)], null, 2).replace('"event-2"', '"event-2",,');
    const file = await fileWith('broken.json', text);

    const { problems } = await collect([file]);

    const expectedLine = text.split('\n').findIndex((row) => row.includes('event-2')) + 1;
    expect(problems).toEqual([{ file, position: `line ${expectedLine}`, reason: expect.stringMatching(/^not JSON: expected .+ at column \d+$/) }]);
  });

  it('keeps the records decoded before a gzip stream was cut short', async () => {
    const whole = gzipSync(Array.from({ length: 200 }, (_, index) => line(record(index + 1))).join(''));
    const file = await fileWith('cut.jsonl.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));

    const { records, problems } = await collect([file]);

    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(200);
    expect(records.map((entry) => entry.eventID)).toEqual(records.map((_, index) => `event-${index + 1}`));
    expect(problems).toEqual([{ file, position: `line ${records.length + 1}`, reason: 'gzip is truncated or corrupt (unexpected end of file)' }]);
  });

  it('reports a truncated gzip CloudTrail log file once', async () => {
    const whole = gzipSync(JSON.stringify({ Records: [record(1), record(2)] }));
    const file = await fileWith('cut.json.gz', whole.subarray(0, whole.length - 12));

    const { records, problems } = await collect([file]);

    expect(records).toEqual([]);
    expect(problems).toEqual([{ file, reason: 'gzip is truncated or corrupt (unexpected end of file)' }]);
  });

  it('reports corrupt gzip data', async () => {
    const file = await fileWith('corrupt.json.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not deflate data at all')]));

    const { problems } = await collect([file]);

    expect(problems).toEqual([{ file, reason: expect.stringMatching(/^gzip is truncated or corrupt \(.+\)$/) }]);
  });

  it('reports entries of Records that are not CloudTrail records, and keeps the others', async () => {
    const body = JSON.stringify({ Records: [record(1), { ...record(2), eventSource: undefined }, 42, null, { ...record(5), eventTime: '' }, record(6)] });
    const file = await fileWith('log.json', body);

    const { records, problems } = await collect([file]);

    expect(records.map(({ eventID, position }) => `${eventID} ${position}`)).toEqual(['event-1 record 1', 'event-6 record 6']);
    expect(problems).toEqual([
      { file, position: 'record 2', reason: 'no eventSource' },
      { file, position: 'record 3', reason: 'not a JSON object' },
      { file, position: 'record 4', reason: 'not a JSON object' },
      { file, position: 'record 5', reason: 'no eventTime' },
    ]);
  });

  it('reports a Records value that is not a list', async () => {
    const file = await fileWith('log.json', '{"Records": {"eventID": "x"}}');

    const { problems } = await collect([file]);

    expect(problems).toEqual([{ file, position: 'line 1', reason: 'Records is not a list' }]);
  });

  it('reports JSON that is an object of another kind, or a bare value', async () => {
    const file = await fileWith(
      'other.jsonl',
      `${line({ awsAccountId: '111122223333', digestStartTime: '2026-11-20T00:00:00Z' })}42\n"text"\n${line(record(4))}`,
    );

    const { records, problems } = await collect([file]);

    expect(records.map((entry) => entry.eventID)).toEqual(['event-4']);
    expect(problems).toEqual([
      { file, position: 'line 1', reason: 'no eventID' },
      { file, position: 'line 2', reason: 'not a JSON object' },
      { file, position: 'line 3', reason: 'not a JSON object' },
    ]);
  });

  it('reports EventBridge events that are not CloudTrail, and those whose detail is not a record', async () => {
    const event = (detailType: unknown, detail: unknown) => ({
      version: '0',
      id: 'e1',
      'detail-type': detailType,
      source: 'aws.ec2',
      account: '111122223333',
      detail,
    });
    const body = [
      line(event('AWS API Call via CloudTrail', record(1))),
      line(event('EC2 Instance State-change Notification', { 'instance-id': 'i-0123', state: 'running' })),
      line(event(42, {})),
      line(event('AWS API Call via CloudTrail', { eventID: 'event-4' })),
      line(event('AWS Console Sign In via CloudTrail', record(5))),
    ].join('');
    const file = await fileWith('events.jsonl', body);

    const { records, problems } = await collect([file]);

    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-5']);
    expect(problems).toEqual([
      { file, position: 'line 2', reason: 'not CloudTrail: an EventBridge event of detail-type "EC2 Instance State-change Notification"' },
      { file, position: 'line 3', reason: 'not CloudTrail: an EventBridge event of detail-type (a number)' },
      { file, position: 'line 4', reason: 'detail: no eventSource' },
    ]);
  });

  it('reports bad CloudTrailEvent strings in lookup-events output, and keeps the good events', async () => {
    const lookup = (cloudTrailEvent: unknown) => ({ EventId: 'x', EventName: 'ListUsers', CloudTrailEvent: cloudTrailEvent });
    const body = JSON.stringify(
      {
        Events: [
          lookup(JSON.stringify(record(1))),
          lookup('{"eventID": "trunc'),
          lookup(undefined),
          lookup(JSON.stringify({ eventID: 'event-4' })),
          'nope',
          lookup(JSON.stringify(record(6))),
        ],
        NextToken: 'abc',
      },
      null,
      4,
    );
    const file = await fileWith('lookup.json', body);

    const { records, problems } = await collect([file]);

    expect(records.map(({ eventID, position }) => `${eventID} ${position}`)).toEqual(['event-1 event 1', 'event-6 event 6']);
    expect(problems).toEqual([
      { file, position: 'event 2', reason: 'CloudTrailEvent is not JSON: unterminated string at character 19' },
      { file, position: 'event 3', reason: 'no CloudTrailEvent string' },
      { file, position: 'event 4', reason: 'CloudTrailEvent: no eventSource' },
      { file, position: 'event 5', reason: 'no CloudTrailEvent string' },
    ]);
  });

  it('reports a missing path, marked as not found, and still reads the next input', async () => {
    const missing = join(await tempDir(), 'nope.json');
    const good = await fileWith('good.json', JSON.stringify(record(1)));

    const { records, problems } = await collect([missing, good]);

    expect(problems).toEqual([{ file: missing, reason: 'cannot read: no such file or directory', notFound: true }]);
    expect(records.map((entry) => entry.eventID)).toEqual(['event-1']);
  });

  it('reports a dangling link inside a directory and reads the rest', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'logs'));
    await writeFile(join(root, 'logs', 'a.json'), JSON.stringify(record(1)));
    await symlink(join(root, 'gone.json'), join(root, 'logs', 'b.json'));
    await writeFile(join(root, 'logs', 'c.json'), JSON.stringify(record(3)));

    const { records, problems } = await collect([root]);

    expect(records.map((entry) => entry.eventID)).toEqual(['event-1', 'event-3']);
    expect(problems).toEqual([{ file: join(root, 'logs', 'b.json'), reason: 'cannot read: no such file or directory' }]);
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n  \r\n\t\n'],
    ['a gzip of nothing', gzipSync('')],
  ] as const)('reports %s as empty', async (_case, body) => {
    const file = await fileWith('empty.json', body);

    const { records, problems, done } = await collect([file]);

    expect(records).toEqual([]);
    expect(problems).toEqual([{ file, reason: 'empty: no JSON in it' }]);
    expect(done).toEqual([{ file, records: 0 }]);
  });

  it('counts only the good records of a file with problems', async () => {
    const file = await fileWith('mixed.jsonl', `${line(record(1))}bad\n${line(record(3))}`);

    const { done } = await collect([file]);

    expect(done).toEqual([{ file, records: 2 }]);
  });

  it('reports each problem in its place among the records, across files and directories', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'a.jsonl'), `${line(record(1))}bad\n${line(record(3))}`);
    await symlink(join(root, 'gone'), join(root, 'b.json'));
    await writeFile(join(root, 'c.json'), JSON.stringify({ Records: [record(4), 7, record(6)] }));
    const log: string[] = [];

    for await (const { record: read } of readCloudTrail([root, join(root, 'missing')], {
      onProblem: (problem) => log.push(`problem ${problem.position ?? problem.reason}`),
    })) {
      log.push(read.eventID);
    }

    expect(log).toEqual([
      'event-1',
      'problem line 2',
      'event-3',
      'problem cannot read: no such file or directory',
      'event-4',
      'problem record 2',
      'event-6',
      'problem cannot read: no such file or directory',
    ]);
  });

  it('streams a file too large to load whole, keeping line positions', async () => {
    const body = `${Array.from({ length: 9_000 }, (_, index) => JSON.stringify(record(index + 1, { padding: 'x'.repeat(1_000) }))).join('\n')}\nnot json\n`;
    const file = await fileWith('big.jsonl', body);

    const { records, problems } = await collect([file]);

    expect(body.length).toBeGreaterThan(8 << 20);
    expect(records).toHaveLength(9_000);
    expect(records.at(-1)).toEqual({ eventID: 'event-9000', file, position: 'line 9000' });
    expect(problems).toEqual([{ file, position: 'line 9001', reason: 'not JSON' }]);
  });
});
