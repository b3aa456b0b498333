import { EC2Client, type IpPermission, paginateDescribeSecurityGroups } from '@aws-sdk/client-ec2';
import type { StateReader } from '../reader.js';

/** The largest page DescribeSecurityGroups returns (EC2 API reference). */
const PAGE_SIZE = 1000;

/**
 * The account's security groups in one region: each group's inbound rules with IP ranges as the
 * AuthorizeSecurityGroupIngress that would add them (ec2-security-group-open-to-internet judges which
 * ones open a sensitive port to the internet, one finding per rule). Rules whose source is another
 * group or a prefix list carry no range, as the rule ignores them in the event. One paginated list,
 * no call per group.
 */
export const vpcReader: StateReader = {
  id: 'vpc',
  reach: 'regional',
  ruleIds: ['ec2-security-group-open-to-internet'],
  permissions: ['ec2:DescribeSecurityGroups'],

  async read(target, sink) {
    const client = new EC2Client(target.clientConfig);
    try {
      for await (const page of paginateDescribeSecurityGroups({ client, pageSize: PAGE_SIZE }, {})) {
        // A group another account shares with this one is that account's to judge.
        const groups = (page.SecurityGroups ?? []).filter((group) => group.OwnerId === undefined || group.OwnerId === target.account);
        for (const group of groups) {
          const permissions = (group.IpPermissions ?? []).filter(hasRange);
          if (group.GroupId === undefined || permissions.length === 0) continue;
          sink.observe({
            eventSource: 'ec2.amazonaws.com',
            eventName: 'AuthorizeSecurityGroupIngress',
            requestParameters: { groupId: group.GroupId, ipPermissions: { items: permissions.map(asLogged) } },
          });
        }
        sink.progress('security groups', groups.length);
      }
    } finally {
      client.destroy();
    }
  },
};

function hasRange(permission: IpPermission): boolean {
  return (permission.IpRanges ?? []).length > 0 || (permission.Ipv6Ranges ?? []).length > 0;
}

/** An inbound rule as CloudTrail logs the request's IpPermissions (camelCase, lists as `{items}`). */
function asLogged(permission: IpPermission): Record<string, unknown> {
  return {
    ipProtocol: permission.IpProtocol,
    ...(permission.FromPort === undefined ? {} : { fromPort: permission.FromPort }),
    ...(permission.ToPort === undefined ? {} : { toPort: permission.ToPort }),
    ipRanges: { items: (permission.IpRanges ?? []).flatMap((range) => (range.CidrIp === undefined ? [] : [{ cidrIp: range.CidrIp }])) },
    ipv6Ranges: { items: (permission.Ipv6Ranges ?? []).flatMap((range) => (range.CidrIpv6 === undefined ? [] : [{ cidrIpv6: range.CidrIpv6 }])) },
  };
}
