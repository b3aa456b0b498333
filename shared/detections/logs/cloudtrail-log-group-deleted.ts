import { accountOf, actorOf, regionOf, stringField } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/**
 * A pure rule cannot know which log group a trail delivers to (that is in the trail's settings, not
 * in the DeleteLogGroup event), so it goes by name: the console's default for a trail is
 * aws-cloudtrail-logs-ACCOUNT-SUFFIX and Control Tower's is aws-controltower/CloudTrailLogs.
 */
function looksLikeCloudTrailGroup(name: string): boolean {
  return name.toLowerCase().includes('cloudtrail');
}

export const cloudtrailLogGroupDeleted: Detection = {
  id: 'cloudtrail-log-group-deleted',
  title: 'CloudTrail log group deleted',
  severity: 'high',
  description:
    'A CloudWatch Logs log group that holds CloudTrail events was deleted. Its stored events are gone for good, the metric ' +
    'filters and subscriptions on it see nothing more, so the alarms built on them (root use, policy changes, console logins ' +
    'without MFA...) go silent, and the trail can no longer deliver there. The trail and its S3 log files are untouched. The event does not say ' +
    'which group a trail writes to, so the rule takes a group whose name contains "cloudtrail" (any case), as the console and ' +
    'Control Tower name them: a trail group named otherwise is missed, and an unrelated group so named is reported. Recreating ' +
    'the group does not bring the deleted events back, so no event resolves this finding.',
  remediation:
    'Recreate the group and point the trail at it: `aws logs create-log-group --log-group-name NAME`, then `aws cloudtrail ' +
    'update-trail --name TRAIL --cloud-watch-logs-log-group-arn arn:aws:logs:REGION:ACCOUNT:log-group:NAME:* ' +
    '--cloud-watch-logs-role-arn ROLE_ARN`; check its metric filters and alarms (`aws logs describe-metric-filters ' +
    "--log-group-name NAME`), recreate the missing ones, and read the lost period from the trail's S3 " +
    'log files. Deny logs:DeleteLogGroup on CloudTrail groups to everyone but a break-glass role.',
  references: {
    securityHub: ['CloudTrail.5'],
    mitreAttack: ['T1562.008', 'T1070'],
    links: [
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
      'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html',
    ],
  },
  scoped: false,
  events: [{ eventSource: 'logs.amazonaws.com', eventNames: ['DeleteLogGroup'] }],

  evaluate(record) {
    if (record.eventName !== 'DeleteLogGroup') return undefined;
    const name = stringField(record, 'requestParameters', 'logGroupName');
    if (name === undefined || !looksLikeCloudTrailGroup(name)) return undefined;
    return {
      severity: 'high',
      resource: `arn:${partitionOf(record)}:logs:${regionOf(record)}:${accountOf(record)}:log-group:${name}`,
      summary: `${actorOf(record).arn} deleted log group ${name}, which by its name holds CloudTrail events: those events are gone and alarms built on the group go silent.`,
      details: { logGroupName: name },
    };
  },
};
