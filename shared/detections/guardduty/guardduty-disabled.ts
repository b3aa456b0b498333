import { accountOf, actorOf, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** The detector deleted or suspended (no threat detection in the Region). */
const DETECTOR = 'detector';
/** The detector's export of findings to S3 removed (detection runs, the copy others read stops). */
const FINDINGS_EXPORT = 'findings-export';

/** The detector the request names, as its ARN (GuardDuty keeps one detector per account and Region). */
function detectorOf(record: CloudTrailRecord): { id: string; arn: string } | undefined {
  const id = stringField(record, 'requestParameters', 'detectorId');
  if (id === undefined || id === '') return undefined;
  return { id, arn: `arn:${partitionOf(record)}:guardduty:${regionOf(record)}:${accountOf(record)}:detector/${id}` };
}

/**
 * UpdateDetector's `enable`: a boolean in the API, read from its string form too. Undefined when the
 * request leaves it out (an update of protection plans or of the publishing frequency only).
 */
function enableOf(record: CloudTrailRecord): boolean | undefined {
  const enable = field(record, 'requestParameters', 'enable');
  if (typeof enable === 'boolean') return enable;
  if (typeof enable !== 'string') return undefined;
  const text = enable.toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

export const guarddutyDisabled: Detection = {
  id: 'guardduty-disabled',
  title: 'GuardDuty disabled or its findings export removed',
  severity: 'critical',
  description:
    "A GuardDuty detector was deleted or suspended, or its export of findings to S3 was removed. Deleting or suspending the Region's " +
    'detector stops threat detection there (deleting it also discards its findings), which is why attackers do it early; a failed ' +
    'attempt to delete one is raised too, one severity lower, as someone tried. Removing the export leaves detection running but ' +
    "starves whatever reads findings from that bucket. A new detector (CreateDetector) has a new id and starts without the old one's " +
    'export, filters, IP lists, protection plans and administrator, so it does not close the finding of a deleted detector: check ' +
    'those, then resolve the finding by hand. Not caught: protection plans turned off one by one, filters that auto-archive findings, ' +
    'a member leaving its administrator, or an export redirected to another bucket (UpdatePublishingDestination names a bucket, not ' +
    'whether anyone reads it).',
  remediation:
    'Suspended: `aws guardduty update-detector --detector-id DETECTOR --enable --region REGION`. Deleted: `aws guardduty ' +
    'create-detector --enable --region REGION`, then restore what the old detector had (protection plans, filters, trusted IP and ' +
    'threat lists, membership of the administrator account) and run `warden findings resolve ID --reason "detector re-created"`. ' +
    'Export removed: `aws guardduty create-publishing-destination --detector-id DETECTOR --destination-type S3 ' +
    '--destination-properties DestinationArn=arn:aws:s3:::BUCKET,KmsKeyArn=KEY_ARN`. Then review what the actor did around the ' +
    'change, and let a delegated administrator manage GuardDuty for the organisation (members cannot disable it) or deny ' +
    'guardduty:DeleteDetector with a service control policy.',
  references: {
    securityHub: ['GuardDuty.1'],
    mitreAttack: ['T1562.001'],
    links: [
      'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html',
      'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html',
    ],
  },
  scoped: true,
  events: [
    {
      eventSource: 'guardduty.amazonaws.com',
      eventNames: ['DeleteDetector', 'UpdateDetector', 'DeletePublishingDestination', 'CreatePublishingDestination'],
    },
  ],
  failedAttemptsMatter: ['DeleteDetector'],

  evaluate(record) {
    const detector = detectorOf(record);
    if (detector === undefined) return undefined;
    const actor = actorOf(record).arn;
    const region = regionOf(record);
    if (record.eventName === 'DeleteDetector' || (record.eventName === 'UpdateDetector' && enableOf(record) === false)) {
      const deleted = record.eventName === 'DeleteDetector';
      return {
        severity: 'critical',
        resource: detector.arn,
        scope: DETECTOR,
        summary: deleted
          ? `${actor} deleted GuardDuty detector ${detector.id} in ${region}: threat detection is off there and the detector's findings are gone.`
          : `${actor} suspended GuardDuty detector ${detector.id} in ${region}: threat detection is off there until it is enabled again.`,
        details: { detectorId: detector.id, region, action: record.eventName },
      };
    }
    if (record.eventName === 'DeletePublishingDestination') {
      const destinationId = stringField(record, 'requestParameters', 'destinationId');
      return {
        severity: 'high',
        resource: detector.arn,
        scope: FINDINGS_EXPORT,
        summary: `${actor} removed the S3 export of GuardDuty detector ${detector.id} in ${region}: findings no longer reach what reads that bucket.`,
        details: { detectorId: detector.id, region, destinationId },
      };
    }
    return undefined;
  },

  resolves(record) {
    const detector = detectorOf(record);
    if (detector === undefined) return [];
    if (record.eventName === 'UpdateDetector' && enableOf(record) === true) {
      return [{ resource: detector.arn, scope: DETECTOR, reason: 'detector enabled again' }];
    }
    if (record.eventName === 'CreatePublishingDestination') {
      return [{ resource: detector.arn, scope: FINDINGS_EXPORT, reason: 'findings export to S3 configured again' }];
    }
    return [];
  },
};
