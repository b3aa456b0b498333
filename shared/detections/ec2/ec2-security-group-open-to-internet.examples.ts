import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const GROUP = 'sg-0a1b2c3d4e5f60718';
const groupArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:security-group/${GROUP}`;

interface Permission {
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly v4?: readonly string[];
  readonly v6?: readonly string[];
  readonly groups?: readonly string[];
  readonly prefixLists?: readonly string[];
}

/** An IpPermission as CloudTrail records it for the EC2 security group calls. */
const ipPermission = ({ protocol, from, to, v4 = [], v6 = [], groups = [], prefixLists = [] }: Permission) => ({
  ipProtocol: protocol,
  ...(from === undefined ? {} : { fromPort: from, toPort: to ?? from }),
  groups: groups.length === 0 ? {} : { items: groups.map((groupId) => ({ groupId })) },
  ipRanges: v4.length === 0 ? {} : { items: v4.map((cidrIp) => ({ cidrIp })) },
  ipv6Ranges: v6.length === 0 ? {} : { items: v6.map((cidrIpv6) => ({ cidrIpv6 })) },
  prefixListIds: prefixLists.length === 0 ? {} : { items: prefixLists.map((prefixListId) => ({ prefixListId })) },
});

/** The rules a response lists (securityGroupRuleSet, revokedSecurityGroupRuleSet): one per range, with its id. */
const ruleSet = (permissions: readonly Permission[]) => ({
  items: permissions.flatMap(({ protocol, from, to, v4 = [], v6 = [] }, index) =>
    [...v4.map((cidrIpv4) => ({ cidrIpv4 })), ...v6.map((cidrIpv6) => ({ cidrIpv6 }))].map((range, rangeIndex) => ({
      groupOwnerId: EXAMPLE_ACCOUNT,
      groupId: GROUP,
      securityGroupRuleId: `sgr-0${index}${rangeIndex}a1b2c3d4e5f6071`,
      isEgress: false,
      ipProtocol: protocol,
      fromPort: from ?? -1,
      toPort: to ?? from ?? -1,
      ...range,
    })),
  ),
});

const authorize = (...permissions: Permission[]) =>
  exampleEvent('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
    requestParameters: { groupId: GROUP, ipPermissions: { items: permissions.map(ipPermission) } },
    responseElements: { requestId: 'c1d2e3f4-0000-4000-8000-000000000001', _return: true, securityGroupRuleSet: ruleSet(permissions) },
  });

const revoke = (...permissions: Permission[]) =>
  exampleEvent('ec2.amazonaws.com', 'RevokeSecurityGroupIngress', {
    requestParameters: { groupId: GROUP, ipPermissions: { items: permissions.map(ipPermission) } },
    responseElements: { requestId: 'c1d2e3f4-0000-4000-8000-000000000002', _return: true, revokedSecurityGroupRuleSet: ruleSet(permissions) },
  });

/** ModifySecurityGroupRules keeps the request's XML-derived shape (PascalCase, wrapped in ModifySecurityGroupRulesRequest). */
const modify = (rule: Record<string, unknown>) =>
  exampleEvent('ec2.amazonaws.com', 'ModifySecurityGroupRules', {
    requestParameters: {
      ModifySecurityGroupRulesRequest: { GroupId: GROUP, SecurityGroupRule: { SecurityGroupRuleId: 'sgr-0123456789abcdef0', tag: 1, SecurityGroupRule: rule } },
    },
    responseElements: {
      ModifySecurityGroupRulesResponse: { requestId: 'c1d2e3f4-0000-4000-8000-000000000003', return: true, xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/' },
    },
  });

const ssh = { protocol: 'tcp', from: 22, v4: ['0.0.0.0/0'] } as const;

export const examples: DetectionExamples = {
  positive: [
    { name: 'SSH from 0.0.0.0/0', record: authorize(ssh), expect: { severity: 'high', resource: groupArn, scope: 'tcp 22 from 0.0.0.0/0' } },
    { name: 'RDP from ::/0', record: authorize({ protocol: 'tcp', from: 3389, v6: ['::/0'] }), expect: { severity: 'high', scope: 'tcp 3389 from ::/0' } },
    {
      name: 'PostgreSQL from a /0 written with host bits',
      record: authorize({ protocol: 'tcp', from: 5432, v4: ['203.0.113.7/0'] }),
      expect: { severity: 'high', scope: 'tcp 5432 from 0.0.0.0/0' },
    },
    {
      name: 'Redis from an IPv6 /0 written with host bits',
      record: authorize({ protocol: 'tcp', from: 6379, v6: ['2001:db8::1/0'] }),
      expect: { scope: 'tcp 6379 from ::/0' },
    },
    {
      name: 'SSH from half the internet (0.0.0.0/1)',
      record: authorize({ protocol: 'tcp', from: 22, v4: ['0.0.0.0/1'] }),
      expect: { severity: 'high', scope: 'tcp 22 from 0.0.0.0/1' },
    },
    {
      name: 'all traffic (protocol -1)',
      record: authorize({ protocol: '-1', v4: ['0.0.0.0/0'] }),
      expect: { severity: 'critical', scope: 'all traffic from 0.0.0.0/0' },
    },
    {
      name: 'every TCP port by an assumed role',
      record: { ...authorize({ protocol: 'tcp', from: 0, to: 65535, v4: ['0.0.0.0/0'] }), userIdentity: exampleIdentities.assumedRole },
      expect: { severity: 'critical', scope: 'tcp 0-65535 from 0.0.0.0/0' },
    },
    {
      name: 'a port range that includes SQL Server and Oracle',
      record: authorize({ protocol: 'tcp', from: 1000, to: 2000, v4: ['0.0.0.0/0'] }),
      expect: { scope: 'tcp 1000-2000 from 0.0.0.0/0' },
    },
    {
      name: 'SSH over UDP (protocol number 17)',
      record: authorize({ protocol: '17', from: 22, v4: ['0.0.0.0/0'] }),
      expect: { scope: 'udp 22 from 0.0.0.0/0' },
    },
    {
      name: 'one call opening SSH to IPv4 and IPv6, and HTTPS',
      record: authorize({ protocol: 'tcp', from: 22, v4: ['0.0.0.0/0'], v6: ['::/0'] }, { protocol: 'tcp', from: 443, v4: ['0.0.0.0/0'] }),
      // One finding per rule: HTTPS is not among them.
      matches: 2,
      expect: { severity: 'high', scope: 'tcp 22 from 0.0.0.0/0' },
    },
    {
      name: 'an existing rule changed to MySQL from 0.0.0.0/0',
      record: modify({ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIpv4: '0.0.0.0/0', Description: 'temporary' }),
      expect: { severity: 'high', resource: groupArn, scope: 'tcp 3306 from 0.0.0.0/0' },
    },
  ],
  negative: [
    { name: 'SSH from an office range', record: authorize({ protocol: 'tcp', from: 22, v4: ['203.0.113.0/24'] }) },
    { name: 'SSH from a /8', record: authorize({ protocol: 'tcp', from: 22, v4: ['10.0.0.0/8'] }) },
    { name: 'HTTPS from 0.0.0.0/0', record: authorize({ protocol: 'tcp', from: 443, v4: ['0.0.0.0/0'], v6: ['::/0'] }) },
    { name: 'ICMP from 0.0.0.0/0', record: authorize({ protocol: 'icmp', from: -1, to: -1, v4: ['0.0.0.0/0'] }) },
    { name: 'PostgreSQL from another security group', record: authorize({ protocol: 'tcp', from: 5432, groups: ['sg-0fedcba9876543210'] }) },
    { name: 'SSH from a prefix list', record: authorize({ protocol: 'tcp', from: 22, prefixLists: ['pl-0a1b2c3d4e5f60718'] }) },
    { name: 'a rule changed to a private range', record: modify({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.20.0.0/16' }) },
    { name: 'the open SSH rule revoked', record: revoke(ssh) },
    {
      name: 'groups described',
      record: exampleEvent('ec2.amazonaws.com', 'DescribeSecurityGroups', {
        readOnly: true,
        requestParameters: { securityGroupIdSet: { items: [{ groupId: GROUP }] } },
      }),
    },
  ],
  resolving: [
    { name: 'the open SSH rule revoked', record: revoke(ssh), removes: [{ resource: groupArn, scope: 'tcp 22 from 0.0.0.0/0' }] },
    {
      name: 'the open SSH rule revoked by rule id',
      // The request names only the rule id; what it closed comes from the rules the response lists as revoked.
      record: exampleEvent('ec2.amazonaws.com', 'RevokeSecurityGroupIngress', {
        requestParameters: { groupId: GROUP, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-000a1b2c3d4e5f6071' }] } },
        responseElements: { requestId: 'c1d2e3f4-0000-4000-8000-000000000004', _return: true, revokedSecurityGroupRuleSet: ruleSet([ssh]) },
      }),
      removes: [{ resource: groupArn, scope: 'tcp 22 from 0.0.0.0/0' }],
    },
    {
      name: 'SSH to IPv4 and IPv6 revoked in one call',
      record: revoke({ protocol: 'tcp', from: 22, v4: ['0.0.0.0/0'], v6: ['::/0'] }),
      removes: [
        { resource: groupArn, scope: 'tcp 22 from 0.0.0.0/0' },
        { resource: groupArn, scope: 'tcp 22 from ::/0' },
      ],
    },
    {
      name: 'the group deleted',
      record: exampleEvent('ec2.amazonaws.com', 'DeleteSecurityGroup', {
        requestParameters: { groupId: GROUP },
        responseElements: { requestId: 'c1d2e3f4-0000-4000-8000-000000000005', _return: true, groupId: GROUP },
      }),
      removes: [{ resource: groupArn }],
    },
  ],
};
