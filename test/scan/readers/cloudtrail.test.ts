// The CloudTrail state reader against moto over HTTP, in two regions: the exact findings of seeded
// risks and look-alikes, the finding id each event would give, then risks removed and resolved, except
// what the state cannot judge (which bucket a trail's logs go to).
import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { catalogue } from '../../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../../shared/detections/engine.js';
import { findingIdOf } from '../../../shared/findings/finding.js';
import { ONLY_OWN_ACCOUNT } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { cloudTrailReader } from '../../../shared/scan/readers/cloudtrail.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const cloudtrail = motoClients(moto, (config) => new CloudTrailClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const context = { boundary: ONLY_OWN_ACCOUNT };
const trailArn = (name: string, region = 'us-east-1') => `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${name}`;
const BUCKET = 'warden-trail-logs';

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, cloudTrailReader, { context, regions: ['us-east-1', 'eu-west-1'] });
}

function found(report: ScanReport): string[] {
  return foundIn(report);
}

/** A trail that is everything it should be unless `changes` says otherwise: multi-region, validated, logging. */
async function trail(name: string, changes: { region?: string; multiRegion?: false; validation?: false; logging?: false } = {}): Promise<void> {
  const client = cloudtrail(changes.region);
  await client.send(
    new CreateTrailCommand({
      Name: name,
      S3BucketName: BUCKET,
      IsMultiRegionTrail: changes.multiRegion ?? true,
      IncludeGlobalServiceEvents: changes.multiRegion ?? true,
      EnableLogFileValidation: changes.validation ?? true,
    }),
  );
  if (changes.logging !== false) await client.send(new StartLoggingCommand({ Name: name }));
}

beforeAll(async () => {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
  // Risks.
  await trail('stopped', { logging: false });
  await trail('regional', { multiRegion: false, validation: false });
  await trail('data-only');
  await cloudtrail().send(new PutEventSelectorsCommand({ TrailName: 'data-only', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] }));
  await trail('stopped-eu', { region: 'eu-west-1', logging: false });
  // Look-alikes: a trail with default selectors, and one whose advanced selectors keep management events.
  await trail('account');
  await trail('advanced');
  await cloudtrail().send(
    new PutEventSelectorsCommand({
      TrailName: 'advanced',
      AdvancedEventSelectors: [{ Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
    }),
  );
}, 60_000);

describe('the CloudTrail state reader', () => {
  it('finds exactly the seeded risks, each trail once in its home region, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(found(report)).toEqual(
      [
        `cloudtrail-logging-stopped ${trailArn('stopped')} logging critical us-east-1`,
        `cloudtrail-logging-stopped ${trailArn('stopped-eu', 'eu-west-1')} logging critical eu-west-1`,
        `cloudtrail-logging-stopped ${trailArn('data-only')} management-events high us-east-1`,
        `cloudtrail-trail-weakened ${trailArn('regional')} multi-region high us-east-1`,
        `cloudtrail-trail-weakened ${trailArn('regional')} global-service-events high us-east-1`,
        `cloudtrail-trail-weakened ${trailArn('regional')} log-file-validation medium us-east-1`,
      ].sort(),
    );
    expect(report.counts).toEqual({ trails: 6 });
    // Where the logs go is not judged: no trail's cloudtrail-trail-weakened findings are reconciled.
    expect(report.unread.map((item) => [item.resource, item.ruleIds]).sort()).toEqual(
      ['account', 'advanced', 'data-only', 'regional', 'stopped']
        .map((name) => [trailArn(name), ['cloudtrail-trail-weakened']])
        .concat([[trailArn('stopped-eu', 'eu-west-1'), ['cloudtrail-trail-weakened']]])
        .sort(),
    );
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('StopLogging', { name: 'stopped' }),
      event('StopLogging', { name: 'stopped-eu' }, 'eu-west-1'),
      event('PutEventSelectors', { trailName: 'data-only', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false }] }),
      event('UpdateTrail', { name: 'regional', isMultiRegionTrail: false }),
      event('UpdateTrail', { name: 'regional', includeGlobalServiceEvents: false }),
      event('UpdateTrail', { name: trailArn('regional'), enableLogFileValidation: false }),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(6);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves what is gone on the next scan, and keeps the trail settings it cannot fully judge', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(6);

    await cloudtrail().send(new StartLoggingCommand({ Name: 'stopped' }));
    await cloudtrail().send(
      new PutEventSelectorsCommand({ TrailName: 'data-only', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }),
    );
    await cloudtrail().send(new UpdateTrailCommand({ Name: 'regional', EnableLogFileValidation: true }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(resolved).toEqual(
      [`cloudtrail-logging-stopped ${trailArn('data-only')} management-events`, `cloudtrail-logging-stopped ${trailArn('stopped')} logging`].sort(),
    );
    const stillOpen = (await opened.store.list({ ruleId: 'cloudtrail-trail-weakened' })).findings.map((finding) => finding.id);
    expect(stillOpen).toContain(findingIdOf('cloudtrail-trail-weakened', ACCOUNT, trailArn('regional'), 'log-file-validation'));
  });
  it('never closes the finding of a deleted trail: its absence is no sign the account logs again', async () => {
    const deleted = new DetectionEngine(catalogue, context).evaluate(event('DeleteTrail', { name: 'gone' }));
    const batch = opened.store.batch();
    batch.add(deleted);
    await batch.flush();
    await aSecondLater();

    const rescan = await recordScan(opened.store, await scan());

    expect(rescan.resolved.map((change) => change.finding?.resource)).not.toContain(trailArn('gone'));
    const gone = findingIdOf('cloudtrail-logging-stopped', ACCOUNT, trailArn('gone'), 'logging');
    expect((await opened.store.get(gone))?.status).toBe('open');
  });
});

/** A successful cloudtrail call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, region = 'us-east-1'): CloudTrailRecord {
  return loggedCall('cloudtrail.amazonaws.com', eventName, requestParameters, { region });
}
