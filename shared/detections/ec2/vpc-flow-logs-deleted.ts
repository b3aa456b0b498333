import { accountOf, actorOf, asList, field, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/** A flow log id as EC2 records it: a plain string, or the XML-derived `{content, tag}`. */
function idOf(value: unknown): string | undefined {
  const id = typeof value === 'string' ? value : stringField(value, 'content');
  return id === undefined || id === '' ? undefined : id;
}

/**
 * The flow logs the call deleted. EC2 records this Query API call in its XML-derived shape,
 * `DeleteFlowLogsRequest.FlowLogId` holding one `{content, tag}` or a list of them (Stratus Red Team's
 * detonation log of aws.defense-evasion.vpc-remove-flow-logs); the camelCase `flowLogIds` form of
 * the JSON API is read too. Ids that the response lists as unsuccessful (the API's
 * `Unsuccessful[].ResourceId`, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteFlowLogs.html)
 * were not deleted and are left out.
 */
function deletedFlowLogIds(record: CloudTrailRecord): string[] {
  const requested = [
    ...asList(field(record, 'requestParameters', 'DeleteFlowLogsRequest', 'FlowLogId')),
    ...asList(field(record, 'requestParameters', 'flowLogIds')),
  ].flatMap((value) => idOf(value) ?? []);
  const unsuccessful = field(record, 'responseElements', 'DeleteFlowLogsResponse', 'unsuccessful') ?? field(record, 'responseElements', 'unsuccessful');
  const failed = new Set(asList(field(unsuccessful, 'item') ?? unsuccessful).flatMap((item) => stringField(item, 'resourceId') ?? []));
  return [...new Set(requested)].filter((id) => !failed.has(id));
}

export const vpcFlowLogsDeleted: Detection = {
  id: 'vpc-flow-logs-deleted',
  title: 'VPC flow logs deleted',
  severity: 'medium',
  description:
    'One or more flow logs (of a VPC, subnet, network interface or transit gateway) were deleted: the network traffic they ' +
    'recorded, which investigations use to see what talked to what and where data went, is no longer captured. Attackers remove ' +
    'them before moving data out. A new flow log gets a new id, so nothing resolves this finding automatically: close it once ' +
    'logging is back. When one call deletes several flow logs, the finding is filed on the first and lists them all. Not caught: ' +
    'a flow log whose destination (bucket, log group or stream) is deleted or stops accepting writes.',
  remediation:
    'Recreate the flow log: `aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC --traffic-type ALL ' +
    '--log-destination-type s3 --log-destination arn:aws:s3:::BUCKET`, check that the other VPCs still have theirs ' +
    '(`aws ec2 describe-flow-logs`), and review what the actor did next. Limit ec2:DeleteFlowLogs to the roles that manage networking.',
  references: {
    cis: ['3.7'],
    securityHub: ['EC2.6'],
    mitreAttack: ['T1562.008'],
    links: ['https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html', 'https://docs.aws.amazon.com/vpc/latest/userguide/working-with-flow-logs.html'],
  },
  scoped: false,
  events: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['DeleteFlowLogs'] }],

  evaluate(record) {
    if (record.eventName !== 'DeleteFlowLogs') return undefined;
    const ids = deletedFlowLogIds(record);
    const [first] = ids;
    if (first === undefined) return undefined;
    const others = ids.length > 1 ? ` and ${ids.length - 1} more` : '';
    return {
      severity: 'medium',
      resource: `arn:${partitionOf(record)}:ec2:${regionOf(record)}:${accountOf(record)}:vpc-flow-log/${first}`,
      summary: `${actorOf(record).arn} deleted flow log ${first}${others}: the network traffic it recorded is no longer captured.`,
      details: { flowLogIds: ids },
    };
  },
};
