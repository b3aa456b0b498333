import { GetDetectorCommand, GuardDutyClient, paginateListDetectors, paginateListPublishingDestinations } from '@aws-sdk/client-guardduty';
import { mapBounded } from '../concurrency.js';
import { awsErrorCode } from '../read-resource.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const GUARDDUTY_DISABLED = 'guardduty-disabled';

/** The largest page ListDetectors and ListPublishingDestinations return (GuardDuty API reference). */
const PAGE_SIZE = 50;

/**
 * GuardDuty's detectors in one region (one per account and region): a suspended one as the
 * UpdateDetector that would suspend it (`enable: false`).
 *
 * What the state cannot tell is left alone:
 * - No detector at all: GuardDuty was never turned on there, or its detector was deleted. Nothing is
 *   presented, and since the rule is reconciled only on the detectors the read saw, the finding of a
 *   deleted detector stays open (a new detector does not bring back what the old one had).
 * - A detector without a findings export: most never had one, so it is no sign that one was removed.
 *   It is not counted as seen either, so the scan resolves no finding on it (export removed, or
 *   suspended before); a suspended one is still raised, and a detector with an export is reconciled whole.
 */
export const guarddutyReader: StateReader = {
  id: 'guardduty',
  reach: 'regional',
  ruleIds: [GUARDDUTY_DISABLED],
  permissions: ['guardduty:ListDetectors', 'guardduty:GetDetector', 'guardduty:ListPublishingDestinations'],
  reconcilesOnlySeen: [GUARDDUTY_DISABLED],

  async read(target, sink) {
    const client = new GuardDutyClient(target.clientConfig);
    try {
      for await (const page of paginateListDetectors({ client, pageSize: PAGE_SIZE }, {})) {
        const ids = page.DetectorIds ?? [];
        await mapBounded(ids, target.concurrency, (id) => readDetector(client, id, target, sink));
        sink.progress('detectors', ids.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One detector: its status, then whether it exports findings. A call that fails (deleted meanwhile, denied) leaves it unread. */
async function readDetector(client: GuardDutyClient, detectorId: string, target: ReadTarget, sink: StateSink): Promise<void> {
  const resource = `arn:${target.partition}:guardduty:${target.region}:${target.account}:detector/${detectorId}`;
  try {
    const { Status: status } = await client.send(new GetDetectorCommand({ DetectorId: detectorId }));
    if (status === 'DISABLED')
      sink.observe({ eventSource: 'guardduty.amazonaws.com', eventName: 'UpdateDetector', requestParameters: { detectorId, enable: false } });
    if (await exportsFindings(client, detectorId)) sink.saw(resource);
  } catch (error) {
    sink.unread({ resource, reason: awsErrorCode(error) });
  }
}

/** Whether the detector has a publishing destination, page by page until one is found. */
async function exportsFindings(client: GuardDutyClient, detectorId: string): Promise<boolean> {
  for await (const page of paginateListPublishingDestinations({ client, pageSize: PAGE_SIZE }, { DetectorId: detectorId })) {
    if ((page.Destinations ?? []).length > 0) return true;
  }
  return false;
}
