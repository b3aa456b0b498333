// `warden replay s3://...` against moto's S3 over HTTP, through a recording proxy: an organization
// trail's bucket is read in place, only the accounts, regions and days asked for are listed and
// downloaded, and a bad object or a throttled request costs nothing else.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleEvent } from '../../shared/detections/example-events.js';
import { runWarden } from '../support/cli.js';
import { useEnvironment } from '../support/emulators.js';
import { useMoto } from '../support/moto.js';

const moto = useMoto();
const BUCKET = 'org-trail';
const ORG = 'o-abc123def4';
const AUDITED = '111122223333';
const OTHER = '444455556666';

/** Every request the CLI sent to S3 (method and path with query), and the next answers to refuse with SlowDown. */
const seen: string[] = [];
let slowDowns = 0;
let dir: string;

const proxy: Server = createServer((incoming, answer) => {
  seen.push(`${incoming.method} ${decodeURIComponent(incoming.url ?? '')}`);
  if (incoming.method === 'GET' && !(incoming.url ?? '').includes('list-type') && slowDowns > 0) {
    slowDowns -= 1;
    answer.writeHead(503, { 'content-type': 'application/xml' });
    answer.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    return;
  }
  const target = new URL(moto.endpoint);
  const forward = request({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (upstream) => {
    answer.writeHead(upstream.statusCode ?? 502, upstream.headers);
    upstream.pipe(answer);
  });
  incoming.pipe(forward);
});
// Listening before the environment names it (hooks run in the order they are declared).
beforeAll(() => new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve)));

useEnvironment(() => ({
  AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
  AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
}));

const keyOf = (account: string, region: string, day: string, stamp: string) =>
  `AWSLogs/${ORG}/${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${stamp}_abc.json.gz`;

/** A role trusting everyone, created in `account` and `region` at `eventTime`: one critical finding named after the role. */
function publicRole(role: string, account: string, region: string, eventTime: string) {
  return exampleEvent('iam.amazonaws.com', 'CreateRole', {
    eventID: `event-${role}`,
    eventTime,
    awsRegion: region,
    recipientAccountId: account,
    requestParameters: {
      roleName: role,
      assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] }),
    },
  });
}

const logFile = (...records: object[]) => gzipSync(JSON.stringify({ Records: records }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-replay-s3-'));

  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, forcePathStyle: true });
  const put = (key: string, body: Buffer | string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await Promise.all([
    // Delivered just after midnight: its event belongs to the day before.
    put(keyOf(AUDITED, 'us-east-1', '2026/01/02', '20260102T0005Z'), logFile(publicRole('late-on-the-first', AUDITED, 'us-east-1', '2026-01-01T23:58:00Z'))),
    put(keyOf(AUDITED, 'us-east-1', '2026/01/02', '20260102T1200Z'), logFile(publicRole('on-the-second', AUDITED, 'us-east-1', '2026-01-02T11:55:00Z'))),
    put(keyOf(AUDITED, 'us-east-1', '2026/01/05', '20260105T1200Z'), logFile(publicRole('on-the-fifth', AUDITED, 'us-east-1', '2026-01-05T11:55:00Z'))),
    put(keyOf(AUDITED, 'eu-west-1', '2026/01/02', '20260102T1200Z'), logFile(publicRole('in-ireland', AUDITED, 'eu-west-1', '2026-01-02T11:50:00Z'))),
    put(keyOf(OTHER, 'us-east-1', '2026/01/02', '20260102T1200Z'), logFile(publicRole('in-the-other-account', OTHER, 'us-east-1', '2026-01-02T11:45:00Z'))),
    // Not API records: never downloaded.
    put(`AWSLogs/${ORG}/${AUDITED}/CloudTrail-Digest/us-east-1/2026/01/02/${AUDITED}_CloudTrail-Digest_us-east-1_trail_us-east-1_20260102T1200Z.json.gz`, '{}'),
    put(`AWSLogs/${ORG}/${AUDITED}/CloudTrail/us-east-1/2026/01/04/${AUDITED}_CloudTrail_us-east-1_20260104T1200Z_bad.json.gz`, 'not gzip, not JSON'),
  ]);
  s3.destroy();
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  slowDowns = 0;
});

function rolesIn(stdout: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { details: { role: string } }).details.role)
    .sort();
}

describe('warden replay s3://', () => {
  it('reads a whole organization trail in place, reports the bad object by its s3:// name, and skips digests', async () => {
    const result = await runWarden(['replay', `s3://${BUCKET}`, '--json', '--trusted-accounts', '777788889999', '--store', join(dir, 'all')]);

    expect(rolesIn(result.stdout)).toEqual(['in-ireland', 'in-the-other-account', 'late-on-the-first', 'on-the-fifth', 'on-the-second']);
    expect(result.stderr).toMatch(
      new RegExp(`^skipped s3://${BUCKET}/AWSLogs/${ORG}/${AUDITED}/CloudTrail/us-east-1/2026/01/04/\\S+_bad\\.json\\.gz.*: `, 'm'),
    );
    expect(result.code).toBe(2);
    expect(seen.filter((line) => line.includes('Digest'))).toEqual([]);
  });

  it('lists and downloads only the accounts, regions and days asked for, and keeps only the events in the window', async () => {
    const result = await runWarden([
      'replay',
      `s3://${BUCKET}/AWSLogs/`,
      '--since',
      '2026-01-02',
      '--until',
      '2026-01-03',
      '--accounts',
      AUDITED,
      '--regions',
      'us-east-1',
      '--trusted-accounts',
      '777788889999',
      '--store',
      join(dir, 'window'),
    ]);

    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^Replayed 1 record from 2 inputs in [\d.]+ s; 1 other record outside --since, --until, --accounts, --regions\.$/m);
    expect(result.stdout).toContain('role/on-the-second');
    const downloads = seen.filter((line) => line.startsWith('GET') && !line.includes('list-type')).map((line) => line.split('?')[0]?.split('/').at(-1));
    expect(downloads.sort()).toEqual([
      `${AUDITED}_CloudTrail_us-east-1_20260102T0005Z_abc.json.gz`,
      `${AUDITED}_CloudTrail_us-east-1_20260102T1200Z_abc.json.gz`,
    ]);
    const listings = seen.filter((line) => line.includes('list-type'));
    expect(listings.some((line) => line.includes(OTHER) || line.includes('eu-west-1'))).toBe(false);
    // The region's listing starts at the window's first day and stops past its last.
    expect(listings.filter((line) => line.includes('/CloudTrail/us-east-1/'))).toEqual([
      expect.stringContaining(`start-after=AWSLogs/${ORG}/${AUDITED}/CloudTrail/us-east-1/2026/01/02`),
    ]);
  });

  it('retries a throttled download and loses nothing', async () => {
    slowDowns = 2;
    const result = await runWarden([
      'replay',
      `s3://${BUCKET}/AWSLogs/${ORG}/${OTHER}/`,
      '--json',
      '--trusted-accounts',
      '777788889999',
      '--store',
      join(dir, 'throttled'),
    ]);

    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(rolesIn(result.stdout)).toEqual(['in-the-other-account']);
    expect(slowDowns).toBe(0);
  });

  // Larger than a log file CloudTrail writes (over 8 MB): streamed from the answer's body, never held whole.
  it('streams an object too large to take whole, and finds the risk at its end', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, forcePathStyle: true });
    const quiet = exampleEvent('s3.amazonaws.com', 'GetObject', { requestParameters: { bucketName: 'reports', key: 'x'.repeat(200) } });
    const lines = Array.from({ length: 30_000 }, (_, index) => JSON.stringify({ ...quiet, eventID: `quiet-${index}` }));
    lines.push(JSON.stringify(publicRole('at-the-end', AUDITED, 'us-east-1', '2026-01-06T10:00:00Z')));
    const body = Buffer.from(`${lines.join('\n')}\n`);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/large.json', Body: body }));
    s3.destroy();

    const result = await runWarden([
      'replay',
      `s3://${BUCKET}/exports/large.json`,
      '--json',
      '--trusted-accounts',
      '777788889999',
      '--store',
      join(dir, 'large'),
    ]);

    expect(body.length).toBeGreaterThan(8 << 20);
    expect([result.code, result.stderr, rolesIn(result.stdout)]).toEqual([0, '', ['at-the-end']]);
  });

  it('says so when a bucket does not exist or a prefix holds no log file (exit 66), and reads one object named in full', async () => {
    const missing = await runWarden(['replay', 's3://no-such-bucket-here/AWSLogs/', '--trusted-accounts', '777788889999', '--store', join(dir, 'missing')]);
    const empty = await runWarden([
      'replay',
      `s3://${BUCKET}/AWSLogs/${ORG}/999999999999/`,
      '--trusted-accounts',
      '777788889999',
      '--store',
      join(dir, 'empty'),
    ]);
    const one = await runWarden([
      'replay',
      `s3://${BUCKET}/${keyOf(AUDITED, 'us-east-1', '2026/01/05', '20260105T1200Z')}`,
      '--json',
      '--trusted-accounts',
      '777788889999',
      '--store',
      join(dir, 'one'),
    ]);

    expect([missing.code, missing.stderr]).toEqual([66, expect.stringMatching(/^skipped s3:\/\/no-such-bucket-here\/AWSLogs\/: cannot list: NoSuchBucket/)]);
    expect([empty.code, empty.stderr]).toEqual([66, expect.stringContaining('no CloudTrail log file there')]);
    expect([one.code, rolesIn(one.stdout)]).toEqual([0, ['on-the-fifth']]);
  });
});
