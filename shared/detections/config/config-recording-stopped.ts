import { accountOf, actorOf, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** The recorder stopped or deleted: configuration changes are no longer recorded. */
const RECORDER = 'recorder';
/** The delivery channel deleted: nothing recorded reaches S3 or SNS. */
const DELIVERY_CHANNEL = 'delivery-channel';

/**
 * AWS Config in the event's account and Region. It allows one customer managed recorder and one delivery
 * channel per account and Region ("Starting AWS Config with a customer managed configuration recorder",
 * AWS Config developer guide), and a recorder's ARN ends in an id the events do not log: the finding is
 * keyed on the recorder ARN without its name and id, with the delivery channel as a second scope.
 */
function recordingOf(record: CloudTrailRecord): string {
  return `arn:${partitionOf(record)}:config:${regionOf(record)}:${accountOf(record)}:configuration-recorder`;
}

export const configRecordingStopped: Detection = {
  id: 'config-recording-stopped',
  title: 'AWS Config recording stopped',
  severity: 'medium',
  description:
    "AWS Config's configuration recorder was stopped or deleted, or its delivery channel deleted, in a Region. Configuration " +
    'changes there are no longer recorded or delivered, so Config rules, conformance packs and the Security Hub controls built on ' +
    'them go stale, and the history an investigation relies on has a gap. Medium, like other logging turned off: it hides what ' +
    'changed, not who called what (CloudTrail still records that). Recording resumes with StartConfigurationRecorder, which closes ' +
    'the recorder finding, and PutDeliveryChannel closes the delivery channel one. Not caught: a recorder narrowed to fewer ' +
    'resource types (PutConfigurationRecorder), or service-linked recorders, which their service manages.',
  remediation:
    'Recreate what was removed and start recording: `aws configservice put-delivery-channel --delivery-channel ' +
    'name=default,s3BucketName=BUCKET --region REGION`, `aws configservice put-configuration-recorder --configuration-recorder ' +
    'name=default,roleARN=arn:aws:iam::ACCOUNT:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig ' +
    '--recording-group allSupported=true --region REGION` if the recorder was deleted, then `aws configservice ' +
    'start-configuration-recorder --configuration-recorder-name default --region REGION`. Review what changed in the Region while ' +
    'nothing was recorded (CloudTrail has the calls).',
  references: {
    cis: ['3.3', '4.9'],
    securityHub: ['Config.1', 'CloudWatch.9'],
    mitreAttack: ['T1562.001'],
    links: [
      'https://docs.aws.amazon.com/config/latest/developerguide/gs-cli-subscribe.html',
      'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteDeliveryChannel.html',
    ],
  },
  scoped: true,
  events: [
    {
      eventSource: 'config.amazonaws.com',
      eventNames: ['StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'StartConfigurationRecorder', 'PutDeliveryChannel'],
    },
  ],

  evaluate(record) {
    const actor = actorOf(record).arn;
    const region = regionOf(record);
    if (record.eventName === 'StopConfigurationRecorder' || record.eventName === 'DeleteConfigurationRecorder') {
      const name = stringField(record, 'requestParameters', 'configurationRecorderName');
      const verb = record.eventName === 'StopConfigurationRecorder' ? 'stopped' : 'deleted';
      return {
        severity: 'medium',
        resource: recordingOf(record),
        scope: RECORDER,
        summary: `${actor} ${verb} AWS Config recorder ${name ?? '(unnamed)'} in ${region}: configuration changes there are no longer recorded.`,
        details: { configurationRecorderName: name, region, action: record.eventName },
      };
    }
    if (record.eventName === 'DeleteDeliveryChannel') {
      const name = stringField(record, 'requestParameters', 'deliveryChannelName');
      return {
        severity: 'medium',
        resource: recordingOf(record),
        scope: DELIVERY_CHANNEL,
        summary: `${actor} deleted AWS Config delivery channel ${name ?? '(unnamed)'} in ${region}: configuration history no longer reaches its bucket.`,
        details: { deliveryChannelName: name, region },
      };
    }
    return undefined;
  },

  resolves(record) {
    if (record.eventName === 'StartConfigurationRecorder') return [{ resource: recordingOf(record), scope: RECORDER, reason: 'recording started again' }];
    if (record.eventName === 'PutDeliveryChannel')
      return [{ resource: recordingOf(record), scope: DELIVERY_CHANNEL, reason: 'delivery channel configured again' }];
    return [];
  },
};
