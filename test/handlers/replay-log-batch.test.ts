import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Handler } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { exampleEvent, exampleIdentities, OUTSIDE_ACCOUNT, TRUSTED_PARTNER_ACCOUNT } from '../../shared/detections/example-events.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { Finding } from '../../shared/findings/model.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { InvalidBatchError, type ReplayBatchSummary, replayLogBatch, UnreadableLogFilesError } from '../../shared/handlers/replay-log-batch.js';
import { ONLY_OWN_ACCOUNT } from '../../shared/policy/boundary.js';
import { useDynalite, useEnvironment } from '../support/emulators.js';
import { lambdaContext } from '../support/eventbridge.js';
import { memoryLogger } from '../support/memory-logger.js';
import { useMoto } from '../support/moto.js';

// The trail bucket on moto's S3 and the findings table on dynalite, each over HTTP with the real SDK.
// A batch is built from moto's own ListObjectsV2 answer, the way the state machine's item reader lists
// the bucket (Step Functions hands each item as Key, Etag, LastModified, Size, StorageClass).
const moto = useMoto();
const dynamo = useDynalite({ sdkEnvironment: true });
useEnvironment(() => ({ AWS_ENDPOINT_URL_S3: moto.endpoint, LOG_LEVEL: 'silent' }));

const BUCKET = 'org-trail-archive';
const ORGANIZATION_PREFIX = 'AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/';
/** Long after every event of the trail: their findings owe no alert. */
const LATER = new Date('2026-03-01T00:00:00Z');

let s3: S3Client;
/** The keys GetObject was called for, in order (a middleware on the client counts every download). */
let downloaded: string[];
let store: FindingsStore;

const logFileKey = (day: string, stamp: string): string =>
  `${ORGANIZATION_PREFIX}${day.replaceAll('-', '/')}/111122223333_CloudTrail_us-east-1_${stamp}_Q2x4bZ0example.json.gz`;

const rootKeyCreated = (eventTime: string): CloudTrailRecord =>
  exampleEvent('iam.amazonaws.com', 'CreateAccessKey', {
    eventTime,
    userIdentity: exampleIdentities.root,
    responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEROOTKEY01', status: 'Active', createDate: eventTime } },
  });

/** A snapshot shared with the trusted partner and an outsider: only the outsider is a finding under the partner's trust. */
const snapshotShared = (eventTime: string): CloudTrailRecord =>
  exampleEvent('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
    eventTime,
    awsRegion: 'us-east-1',
    requestParameters: {
      snapshotId: 'snap-01b3f7d87a02559a1',
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { add: { items: [{ userId: TRUSTED_PARTNER_ACCOUNT }, { userId: OUTSIDE_ACCOUNT }] } },
    },
    responseElements: { requestId: 'c1d2e3f4-0000-4000-8000-000000000001', _return: true },
  });

const noise = (eventTime: string): CloudTrailRecord => exampleEvent('ec2.amazonaws.com', 'DescribeInstances', { eventTime, readOnly: true });

/** Log files of the trail: two days in the window, the day after it, and a day well outside it. */
const TRAIL = {
  [logFileKey('2026-01-02', '20260102T1005Z')]: [noise('2026-01-02T10:01:00Z'), rootKeyCreated('2026-01-02T10:02:00Z')],
  [logFileKey('2026-01-03', '20260103T0905Z')]: [snapshotShared('2026-01-03T09:01:00Z'), noise('2026-01-03T09:02:00Z')],
  // Delivered just after midnight: one event still in the window, one past it.
  [logFileKey('2026-01-04', '20260104T0005Z')]: [noise('2026-01-03T23:58:00Z'), rootKeyCreated('2026-01-04T00:02:00Z')],
  [logFileKey('2026-01-09', '20260109T1205Z')]: [rootKeyCreated('2026-01-09T12:00:00Z')],
};
const WINDOW = { since: '2026-01-02', until: '2026-01-04' };

async function putLogFile(key: string, body: Buffer | string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** The batch the state machine hands the function: the listed objects and the execution input's bucket and window. */
async function batchOf(prefix: string, window: { since?: string | null; until?: string | null } = WINDOW, extraKeys: readonly string[] = []) {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  const items = (listed.Contents ?? []).map((object) => ({
    Etag: object.ETag,
    Key: object.Key,
    LastModified: Math.floor((object.LastModified?.getTime() ?? 0) / 1000),
    Size: object.Size,
    StorageClass: object.StorageClass,
  }));
  return { Items: [...items, ...extraKeys.map((Key) => ({ Key, Size: 1_024 }))], BatchInput: { bucket: BUCKET, since: null, until: null, ...window } };
}

const partnerTrusted = { current: async () => ({ accounts: new Set([TRUSTED_PARTNER_ACCOUNT]), organizations: new Set<string>() }) };

const replayBatch = (event: unknown, now: Date = LATER) =>
  replayLogBatch(event, { s3, engine: new DetectionEngine(catalogue), store, boundary: partnerTrusted, logger: memoryLogger().logger, now: () => now });

async function allFindings(): Promise<Finding[]> {
  const { findings } = await store.list({ statuses: ['open', 'resolved', 'suppressed'] });
  const full = await Promise.all(findings.map((summary) => store.get(summary.id)));
  return full.filter((finding): finding is Finding => finding !== undefined).sort((a, b) => (a.id < b.id ? -1 : 1));
}

beforeAll(async () => {
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, forcePathStyle: true });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetObjectCommand') downloaded.push(String((args.input as { Key?: string }).Key));
      return next(args);
    },
    { step: 'initialize', name: 'countDownloads' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const [key, records] of Object.entries(TRAIL)) await putLogFile(key, gzipSync(JSON.stringify({ Records: records })));
  // What shares the trail's prefix and is no log file.
  await putLogFile(
    'AWSLogs/o-abc123/111122223333/CloudTrail-Digest/us-east-1/2026/01/02/111122223333_CloudTrail-Digest_us-east-1_20260102T1005Z.json.gz',
    '{}',
  );
}, 60_000);

afterAll(() => s3?.destroy());

beforeEach(async () => {
  downloaded = [];
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('backfill'));
});

describe('replayLogBatch', () => {
  it('records the findings of the log files in the window and downloads none dated outside it', async () => {
    const summary = await replayBatch(await batchOf('AWSLogs/o-abc123/111122223333/'));

    expect(downloaded.sort()).toEqual([
      logFileKey('2026-01-02', '20260102T1005Z'),
      logFileKey('2026-01-03', '20260103T0905Z'),
      logFileKey('2026-01-04', '20260104T0005Z'),
    ]);
    expect(summary).toMatchObject({
      bucket: BUCKET,
      files: 3,
      // The file of 2026-01-09 and the digest file.
      skippedKeys: 2,
      records: 5,
      recordsOutsideWindow: 1,
      opened: 2,
      problems: 0,
    } satisfies Partial<ReplayBatchSummary>);
    const findings = await allFindings();
    expect(findings.map((finding) => [finding.ruleId, finding.scope, finding.firstSeen])).toEqual(
      expect.arrayContaining([
        ['root-access-key-created', 'AKIAEXAMPLEROOTKEY01', '2026-01-02T10:02:00Z'],
        // The trusted partner is not outside the boundary: the outsider alone is a finding.
        ['ebs-snapshot-shared-outside', `account/${OUTSIDE_ACCOUNT}`, '2026-01-03T09:01:00Z'],
      ]),
    );
    expect(findings).toHaveLength(2);
  });

  it('changes nothing when the same batch runs again (a retry, an overlapping run)', async () => {
    const batch = await batchOf(ORGANIZATION_PREFIX);
    await replayBatch(batch);
    const before = await allFindings();

    const again = await replayBatch(batch);

    expect(again).toMatchObject({ files: 3, records: 5, opened: 0, reopened: 0, updated: 0, resolved: 0, alertsWithheld: 0 });
    expect(await allFindings()).toEqual(before);
  });

  it('reads every side of the window as open when the input gives none', async () => {
    const summary = await replayBatch(await batchOf(ORGANIZATION_PREFIX, { since: null, until: null }));

    expect(summary).toMatchObject({ files: 4, skippedKeys: 0, records: 7, recordsOutsideWindow: 0 });
    expect((await allFindings()).find((finding) => finding.ruleId === 'root-access-key-created')?.lastSeen).toBe('2026-01-09T12:00:00Z');
  });

  it('uses the boundary it is given: without the partner trusted, the share with the partner is a finding too', async () => {
    await replayLogBatch(await batchOf(ORGANIZATION_PREFIX), {
      s3,
      engine: new DetectionEngine(catalogue, { boundary: ONLY_OWN_ACCOUNT }),
      store,
      logger: memoryLogger().logger,
      now: () => LATER,
    });

    const shares = (await allFindings()).filter((finding) => finding.ruleId === 'ebs-snapshot-shared-outside').map((finding) => finding.scope);
    expect(shares.sort()).toEqual([`account/${OUTSIDE_ACCOUNT}`, `account/${TRUSTED_PARTNER_ACCOUNT}`].sort());
  });

  it('sends no alert: findings from events older than a day owe none, a newer one is left to the detection function', async () => {
    // "Now" is three hours after the snapshot share and a day and two hours after the root key.
    const now = new Date('2026-01-03T12:00:00Z');
    const summary = await replayBatch(await batchOf(ORGANIZATION_PREFIX), now);

    const alertStates = Object.fromEntries((await allFindings()).map((finding) => [finding.ruleId, finding.alertState]));
    expect(alertStates).toEqual({ 'root-access-key-created': 'none', 'ebs-snapshot-shared-outside': 'pending' });
    expect(summary.alertsWithheld).toBe(1);
  });

  it('reports a file that is not CloudTrail and replays the rest of the batch', async () => {
    const notCloudTrail = `${ORGANIZATION_PREFIX}2026/01/02/111122223333_CloudTrail_us-east-1_20260102T2355Z_notjson0000.json.gz`;
    await putLogFile(notCloudTrail, gzipSync('this is not JSON'));
    try {
      const summary = await replayBatch(await batchOf(ORGANIZATION_PREFIX));

      expect(summary).toMatchObject({ files: 4, opened: 2, problems: 1 });
      expect(summary.firstProblems).toEqual([expect.objectContaining({ file: `s3://${BUCKET}/${notCloudTrail}` })]);
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: notCloudTrail }));
    }
  });

  it('fails the batch, naming the object, when one cannot be read, once the rest is recorded (Step Functions retries it)', async () => {
    // Listed, then gone before its batch ran (expired by a lifecycle rule, say): GetObject answers NoSuchKey.
    const gone = `${ORGANIZATION_PREFIX}2026/01/03/111122223333_CloudTrail_us-east-1_20260103T1105Z_gone00000000.json.gz`;
    const batch = await batchOf(ORGANIZATION_PREFIX, WINDOW, [gone]);

    const failure = await replayBatch(batch).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UnreadableLogFilesError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^1 of 4 log files could not be read: s3://${BUCKET}/${gone} \\(NoSuchKey.*\\); the rest were replayed$`),
    );
    expect(downloaded).toContain(gone);
    expect((await allFindings()).map((finding) => finding.ruleId).sort()).toEqual(['ebs-snapshot-shared-outside', 'root-access-key-created']);
  });

  it.each([
    ['not a batch', { detail: {} }, /not a batch of the backfill state machine/],
    ['an item without a key', { Items: [{ Size: 1 }], BatchInput: { bucket: BUCKET } }, /a batch item has no Key/],
    ['a date that is not ISO 8601', { Items: [], BatchInput: { bucket: BUCKET, since: '01/02/2026' } }, /since must be an ISO 8601 date .*"01\/02\/2026"/],
    ['a time without its zone', { Items: [], BatchInput: { bucket: BUCKET, until: '2026-01-02T10:00:00' } }, /until must be an ISO 8601/],
    ['an empty window', { Items: [], BatchInput: { bucket: BUCKET, since: '2026-01-04', until: '2026-01-02' } }, /since must be before until/],
  ])('refuses %s, reading nothing', async (_case, event, message) => {
    await expect(replayBatch(event)).rejects.toThrow(InvalidBatchError);
    await expect(replayBatch(event)).rejects.toThrow(message);
    expect(downloaded).toEqual([]);
  });
});

describe('replay-log-batch handler', () => {
  // The real module and its middy chain, configured as the stack configures it; S3 and DynamoDB reach
  // moto and dynalite through AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_DYNAMODB, as the SDK reads them.
  // Restored after these tests, with FINDINGS_TABLE as each test sets it.
  useEnvironment(() => ({ FINDINGS_TABLE: '', TRUSTED_ACCOUNTS: TRUSTED_PARTNER_ACCOUNT, TRUST_ORGANIZATION: 'false' }));

  async function loadHandler(env: Record<string, string>): Promise<Handler> {
    vi.resetModules();
    Object.assign(process.env, env);
    return ((await import('../../functions/replay-log-batch.js')) as unknown as { handler: Handler }).handler;
  }

  it('replays a batch into the table named by FINDINGS_TABLE, with the trusted accounts of TRUSTED_ACCOUNTS', async () => {
    const table = await dynamo.createTable('backfill-handler');
    const handler = await loadHandler({ FINDINGS_TABLE: table });

    const summary = (await handler(await batchOf(ORGANIZATION_PREFIX), lambdaContext, () => undefined)) as ReplayBatchSummary;

    expect(summary).toMatchObject({ files: 3, opened: 2, problems: 0 });
    const { findings } = await new DynamoFindingsStore(dynamo.client, table).list({ statuses: ['open'] });
    expect(findings.map((finding) => finding.ruleId).sort()).toEqual(['ebs-snapshot-shared-outside', 'root-access-key-created']);
  });

  it('fails fast at start-up without its table, naming the setting', async () => {
    await expect(loadHandler({ FINDINGS_TABLE: '' })).rejects.toThrow(/FINDINGS_TABLE/);
  });
});
