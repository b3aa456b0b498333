// The GuardDuty state reader, on a mocked GuardDuty: moto serves ListDetectors and GetDetector but not
// ListPublishingDestinations (it answers 404), which the reader needs to tell whether a detector
// exports its findings. One region per state: a suspended detector, an enabled one with and without an
// export, none at all, one that cannot be read, and a region whose list is denied.
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, ListPublishingDestinationsCommand } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { catalogue } from '../../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../../shared/detections/engine.js';
import { ONLY_OWN_ACCOUNT } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { guarddutyReader } from '../../../shared/scan/readers/guardduty.js';
import { recordScan } from '../../../shared/scan/record.js';
import { awsError, foundIn, keepingInputsIn, loggedCall, SCAN_ACCOUNT, scanWithMocks, useFindingsStore } from '../harness.js';

const guardduty = mockClient(GuardDutyClient);
const context = { boundary: ONLY_OWN_ACCOUNT };

/** One detector per region, as GuardDuty keeps them. */
const SUSPENDED = { region: 'us-east-1', id: '12abc34d567e8fa901bc2d34e56789f0' };
const EXPORTING = { region: 'eu-west-1', id: '34cde56f789a0bc123de4f56a78901b2' };
const NOT_EXPORTING = { region: 'ap-southeast-2', id: '56ef78a901bc2de345f6a78b90123c4d' };
const UNREADABLE = { region: 'ca-central-1', id: '78a90bc123de4f567a8b90c12345d6e7' };
/** A detector deleted earlier: its region has none now. */
const DELETED = { region: 'us-west-2', id: '90bc12de345f6a789b0c12d34567e8f9' };
const DENIED_REGION = 'sa-east-1';
const REGIONS = [SUSPENDED, EXPORTING, NOT_EXPORTING, UNREADABLE, DELETED].map((detector) => detector.region).concat(DENIED_REGION);
const detectorArn = ({ region, id }: { region: string; id: string }) => `arn:aws:guardduty:${region}:${SCAN_ACCOUNT}:detector/${id}`;

const opened = useFindingsStore();
/** What each ListPublishingDestinations asked, as sent. */
const destinationsListed: { DetectorId?: string; NextToken?: string }[] = [];

function scan(): Promise<ScanReport> {
  return scanWithMocks(guarddutyReader, { context, regions: REGIONS });
}

beforeEach(() => {
  const detectorsByRegion: Record<string, string[]> = {
    [SUSPENDED.region]: [SUSPENDED.id],
    [EXPORTING.region]: [EXPORTING.id],
    [NOT_EXPORTING.region]: [NOT_EXPORTING.id],
    [UNREADABLE.region]: [UNREADABLE.id],
    [DELETED.region]: [],
  };
  guardduty.on(ListDetectorsCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    const ids = detectorsByRegion[region];
    if (ids === undefined) throw awsError('AccessDeniedException');
    return { DetectorIds: ids };
  });
  guardduty
    .on(GetDetectorCommand, { DetectorId: SUSPENDED.id })
    .resolves({ Status: 'DISABLED' })
    .on(GetDetectorCommand, { DetectorId: EXPORTING.id })
    .resolves({ Status: 'ENABLED' })
    .on(GetDetectorCommand, { DetectorId: NOT_EXPORTING.id })
    .resolves({ Status: 'ENABLED' })
    .on(GetDetectorCommand, { DetectorId: UNREADABLE.id })
    .rejects(awsError('BadRequestException'));
  const destination = { DestinationId: 'a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d', DestinationType: 'S3' as const, Status: 'PUBLISHING' as const };
  destinationsListed.length = 0;
  guardduty.on(ListPublishingDestinationsCommand).callsFake(
    keepingInputsIn(destinationsListed, (input: { DetectorId?: string; NextToken?: string }) => {
      // The suspended detector's export is on a second page.
      if (input.DetectorId === SUSPENDED.id) return input.NextToken === 'page-2' ? { Destinations: [destination] } : { Destinations: [], NextToken: 'page-2' };
      return { Destinations: input.DetectorId === EXPORTING.id ? [destination] : [] };
    }),
  );
});

afterEach(() => {
  guardduty.reset();
});

afterAll(() => {
  guardduty.restore();
});

describe('the GuardDuty state reader', () => {
  it('finds the suspended detector, reconciles only detectors read whole with an export, and reports what it could not read', async () => {
    const report = await scan();

    expect(foundIn(report)).toEqual([`guardduty-disabled ${detectorArn(SUSPENDED)} detector critical ${SUSPENDED.region}`]);
    expect(report.unread.map((item) => `${item.resource} ${item.reason}`)).toEqual([`${detectorArn(UNREADABLE)} BadRequestException`]);
    expect(report.coverage.flatMap((part) => part.onlyResources ?? []).sort()).toEqual([detectorArn(SUSPENDED), detectorArn(EXPORTING)].sort());
    expect(report.problems.map((problem) => [problem.region, problem.code])).toEqual([[DENIED_REGION, 'AccessDeniedException']]);
    expect(destinationsListed.filter((input) => input.DetectorId === SUSPENDED.id)).toEqual([
      { DetectorId: SUSPENDED.id, MaxResults: 50 },
      { DetectorId: SUSPENDED.id, MaxResults: 50, NextToken: 'page-2' },
    ]);
    expect(report.counts).toEqual({ detectors: 4 });
  });

  it('gives the suspended detector the finding id of the UpdateDetector that suspended it', async () => {
    const report = await scan();
    const engine = new DetectionEngine(catalogue, context);

    const fromEvent = engine.evaluate(
      event('UpdateDetector', { detectorId: SUSPENDED.id, enable: false, findingPublishingFrequency: 'SIX_HOURS' }, SUSPENDED.region),
    );

    expect(fromEvent.detected.map((item) => item.findingId)).toEqual(report.detected.map((item) => item.findingId));
  });

  it('resolves what a detector read whole shows is gone, and leaves a deleted detector and one without export as they are', async () => {
    const engine = new DetectionEngine(catalogue, context);
    const events = [
      event('DeleteDetector', { detectorId: DELETED.id }, DELETED.region),
      event('UpdateDetector', { detectorId: EXPORTING.id, enable: false }, EXPORTING.region),
      event('DeletePublishingDestination', { detectorId: EXPORTING.id, destinationId: 'a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d' }, EXPORTING.region),
      event('UpdateDetector', { detectorId: NOT_EXPORTING.id, enable: false }, NOT_EXPORTING.region),
    ];
    for (const record of events) await opened.store.apply(engine.evaluate(record));

    const recorded = await recordScan(opened.store, await scan());

    expect(recorded.resolved.map((change) => `${change.finding?.resource} ${change.finding?.scope}`).sort()).toEqual(
      [`${detectorArn(EXPORTING)} detector`, `${detectorArn(EXPORTING)} findings-export`].sort(),
    );
    expect(recorded.written.map((change) => `${change.outcome} ${change.finding?.resource}`)).toEqual([`opened ${detectorArn(SUSPENDED)}`]);
    const { findings: open } = await opened.store.list({ ruleId: 'guardduty-disabled' });
    expect(open.map((finding) => finding.resource).sort()).toEqual([detectorArn(DELETED), detectorArn(NOT_EXPORTING), detectorArn(SUSPENDED)].sort());
  });
});

/** A successful guardduty call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, region: string): CloudTrailRecord {
  return loggedCall('guardduty.amazonaws.com', eventName, requestParameters, { region });
}
