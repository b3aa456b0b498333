// One record must cost only itself: never the batch it is written with, nor its own finding or alert.
// Each case is replayed into the stores as the command line and the Lambda use them (dynalite for
// DynamoDB, with its 400 KB item and key size limits; fauxqs for SNS).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../shared/alerts/alerter.js';
import { SnsChannel } from '../../shared/alerts/channels/sns.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts/settings.js';
import { MAX_KEY_FIELD_CHARS, MAX_RECORD_BYTES } from '../../shared/cloudtrail/limits.js';
import type { ReadProblem } from '../../shared/cloudtrail/read.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import type { Detection } from '../../shared/detections/detection.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { exampleEvent, exampleIdentities } from '../../shared/detections/example-events.js';
import { s3BucketPublic } from '../../shared/detections/s3/s3-bucket-public.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import { findingItem } from '../../shared/findings/dynamodb/table.js';
import { boundDetected, boundResolution, MAX_EVIDENCE_BYTES, MAX_TEXT_BYTES } from '../../shared/findings/evidence.js';
import { applyEvents, HISTORY_ENTRIES, type FindingEvent } from '../../shared/findings/lifecycle.js';
import { openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { replay, type ReplayStats } from '../../shared/replay/replay.js';
import { asEventBridgeEvent } from '../support/eventbridge.js';
import { useDynalite, useSns } from '../support/emulators.js';
import { memoryLogger } from '../support/memory-logger.js';

const dynamo = useDynalite();
const sns = useSns('hostile-alerts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-hostile-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A public bucket policy, the kind of event a detection reads. */
function publicBucket(id: string, requestParameters: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): CloudTrailRecord {
  return exampleEvent('s3.amazonaws.com', 'PutBucketPolicy', {
    eventID: id,
    userIdentity: exampleIdentities.assumedRole,
    requestParameters: {
      bucketName: `bucket-${id}`,
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${id}/*` }],
      },
      ...requestParameters,
    },
    ...overrides,
  });
}

/** Replays records (or lines already written) as JSON Lines on standard input into `store`, with every detection. */
async function replayLines(
  records: readonly unknown[],
  store: FindingsStore,
  engine = new DetectionEngine(catalogue),
): Promise<{ stats: ReplayStats; problems: ReadProblem[] }> {
  const problems: ReadProblem[] = [];
  const stats = await replay({
    inputs: ['-'],
    stdin: Readable.from([records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n')]),
    engine,
    store,
    onProblem: (problem) => problems.push(problem),
  });
  return { stats, problems };
}

const dynamoStore = async (): Promise<FindingsStore> => new DynamoFindingsStore(dynamo.client, await dynamo.createTable('hostile'));

describe('one record costs only itself', () => {
  it('records and alerts a legal 10 KB inline policy of a thousand partial patterns, in the Lambda', async () => {
    // A role's inline policies may hold 10,240 characters; each partial pattern is a wildcard grant.
    const patterns = 'P* A* C* U* D* S* *y *e *P* *A* *C* *U* *D* *S* *o* *l* *i* *R* *t* *r* *a* *n* *s* *c* *p* *u*'
      .split(' ')
      .map((pattern) => `iam:${pattern}`);
    const document = (count: number) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: Array.from({ length: count }, (_, i) => patterns[i % patterns.length]), Resource: '*' }],
      });
    let count = 1;
    while (document(count + 1).length <= 10_240) count += 1;
    const record = exampleEvent('iam.amazonaws.com', 'PutRolePolicy', {
      eventID: 'wide-policy',
      requestParameters: { roleName: 'ops', policyName: 'ops', policyDocument: document(count) },
    });
    const store = await dynamoStore();
    const alerter = new Alerter({
      store,
      channel: new SnsChannel({ topicArn: sns.topicArn, client: sns.client(2) }),
      settings: DEFAULT_ALERT_SETTINGS,
      rules: catalogue,
    });

    const result = await detectEvent(asEventBridgeEvent(record), { engine: new DetectionEngine(catalogue), store, logger: memoryLogger().logger, alerter });

    const finding = result.changes.find((change) => change.finding?.ruleId === 'iam-wildcard-grant')?.finding;
    expect(count).toBeGreaterThan(1000);
    expect(finding).toMatchObject({ status: 'open', severity: 'critical', details: { truncated: expect.stringMatching(/^evidence cut to fit 16 KiB/) } });
    expect(Buffer.byteLength(JSON.stringify(finding?.details))).toBeLessThanOrEqual(MAX_EVIDENCE_BYTES);
    expect((finding?.details['grants'] as unknown[] | undefined)?.at(-1)).toMatch(/^… and \d+ more$/);
    expect(result.alerts?.sent).toContain(finding?.id);
    expect((await sns.drain()).length).toBeGreaterThan(0);
  });

  it("keeps a finding of a 500 KB bucket name within DynamoDB's item and key limits", async () => {
    const store = await dynamoStore();
    const bucketName = 'b-'.repeat(250_000);

    const { stats } = await replayLines([publicBucket('huge-name', { bucketName })], store);

    const [finding] = (await store.list({})).findings;
    expect(stats.outcomes.opened).toBe(1);
    expect(Buffer.byteLength(finding?.resource ?? '')).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(finding?.resource).toMatch(/^arn:aws:s3:::b-b-.*… \(\d+ more bytes\)$/);
  });

  it('keeps a finding at every cap within a DynamoDB item: the longest fields, a thousand events, fifty status changes', async () => {
    const table = await dynamo.createTable('hostile');
    const long = (letter: string): string => letter.repeat(MAX_TEXT_BYTES + 100);
    const events: FindingEvent[] = [];
    for (let index = 0; index < 1_100; index += 1) {
      const eventTime = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString().replace('Z', '000000Z');
      const eventId = `${index}`.padStart(MAX_KEY_FIELD_CHARS, 'e');
      const detected = {
        findingId: 'worst',
        ruleId: 'worst-case',
        severity: 'high',
        title: 'Worst case',
        eventId,
        eventName: 'N'.repeat(MAX_KEY_FIELD_CHARS),
        eventTime,
      } as const;
      const texts = {
        account: long('a'),
        region: long('r'),
        actor: long('x'),
        actorType: long('t'),
        sourceIp: long('s'),
        userAgent: long('u'),
        resource: long('R'),
        scope: long('S'),
      };
      events.push({
        kind: 'detected',
        detected: boundDetected({ ...detected, ...texts, mfaAuthenticated: false, summary: long('m').repeat(3), details: { quoted: 'd'.repeat(100_000) } }),
      });
      if (index % 2 === 1) {
        const resolution = { ruleId: 'worst-case', findingId: 'worst', eventId: `r${eventId.slice(1)}`, eventTime: eventTime.replace('000000Z', '500000Z') };
        events.push({
          kind: 'resolved',
          resolution: boundResolution({ ...resolution, account: long('a'), resource: long('R'), scope: long('S'), reason: long('z'), actor: long('x') }),
        });
      }
    }
    const state = applyEvents(undefined, events, { now: new Date('2030-01-01T00:00:00Z'), suppressions: [], resolvedTtlDays: 90 }).next;

    await dynamo.client.send(new PutCommand({ TableName: table, Item: findingItem('worst', state ?? { version: 0, seen: {} }) }));

    const stored = await new DynamoFindingsStore(dynamo.client, table).get('worst');
    expect(stored).toMatchObject({ count: 1_100, resource: expect.stringMatching(/… \(\d+ more bytes\)$/) });
    expect(stored?.history).toHaveLength(HISTORY_ENTRIES);
  });

  it('skips an eventTime that is not a time, never writing it into a key, and records the rest', async () => {
    const store = await dynamoStore();
    const records = [
      publicBucket('long-time', {}, { eventTime: `2026-11-20T10:15:30Z${'-x'.repeat(540)}` }),
      publicBucket('no-time', {}, { eventTime: 'not a time' }),
      publicBucket('fine'),
    ];

    const { stats, problems } = await replayLines(records, store);

    expect(problems.map(({ position, reason }) => `${position}: ${reason}`)).toEqual([
      "line 1: eventTime is not a time in CloudTrail's form (2026-11-20T10:15:30Z)",
      "line 2: eventTime is not a time in CloudTrail's form (2026-11-20T10:15:30Z)",
    ]);
    expect(stats.outcomes.opened).toBe(1);
  });

  it('skips a record over 1 MiB that a detection reads, and keeps the rest of the batch', async () => {
    const opened = await openEmbeddedStore(dir);
    const padding = 'p, '.repeat(Math.ceil(MAX_RECORD_BYTES / 3));
    const unread = exampleEvent('s3.amazonaws.com', 'GetObject', { eventID: 'big-read', requestParameters: { padding } });

    const { stats, problems } = await replayLines([publicBucket('big', { padding }), publicBucket('fine'), unread], opened.store);
    await opened.close();

    expect(problems).toEqual([{ file: '<stdin>', position: 'line 1', reason: 'larger than 1 MiB, the most one record may hold' }]);
    expect(stats).toMatchObject({ records: 2, skipped: 1, detections: 1 });
  });

  it('keeps a 100,000-deep value a rule quotes from aborting the batch, in either store', async () => {
    // Written by hand: JSON.stringify itself cannot go that deep.
    const deepLine = JSON.stringify(publicBucket('deep', { nested: 'DEEP' })).replace('"DEEP"', `${'['.repeat(100_000)}"x"${']'.repeat(100_000)}`);
    const quotesRequest: Detection = {
      ...s3BucketPublic,
      id: 'quotes-request',
      evaluate: (record) => ({
        severity: 'low',
        resource: `arn:aws:s3:::bucket-${record.eventID}`,
        summary: 'quoted',
        details: { request: record['requestParameters'] },
      }),
    };
    const engine = new DetectionEngine([quotesRequest]);
    const embedded = await openEmbeddedStore(dir);

    const stores = [embedded.store, await dynamoStore()];
    const outcomes = [];
    for (const store of stores) outcomes.push((await replayLines([deepLine, publicBucket('fine')], store, engine)).stats.outcomes.opened);
    const kept = JSON.stringify((await embedded.store.get(engine.evaluate(publicBucket('deep')).detected[0]?.findingId ?? ''))?.details);
    await embedded.close();

    expect(outcomes).toEqual([2, 2]);
    expect(kept).toContain('(nested too deep to keep)');
  });
});
