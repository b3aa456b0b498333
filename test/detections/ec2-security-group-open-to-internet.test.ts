import { describe, expect, it } from 'vitest';
import { matchesOf } from '../../shared/detections/detection.js';
import { ec2SecurityGroupOpenToInternet as rule } from '../../shared/detections/ec2/ec2-security-group-open-to-internet.js';
import { EXAMPLE_ACCOUNT, EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';

const GROUP = 'sg-0a1b2c3d4e5f60718';
const groupArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:security-group/${GROUP}`;
const ec2 = (eventName: string, requestParameters: unknown, responseElements: unknown = { requestId: 'c1d2e3f4-0000-4000-8000-000000000001', _return: true }) =>
  exampleEvent('ec2.amazonaws.com', eventName, { requestParameters, responseElements });
const permission = (ipProtocol: string, fromPort: number, toPort: number, cidrIp: string) => ({
  ipProtocol,
  fromPort,
  toPort,
  ipRanges: { items: [{ cidrIp }] },
});

describe('ec2-security-group-open-to-internet', () => {
  it('judges a range by its prefix length: the halves of the internet count, a /8 does not', () => {
    const scopes = ['128.0.0.0/1', '203.0.113.7/7', '10.0.0.0/8', '2001:db8::/3', '2001:db8::/12'].map(
      (cidr) =>
        matchesOf(
          rule.evaluate(ec2('AuthorizeSecurityGroupIngress', { groupId: GROUP, ipPermissions: { items: [permission('tcp', 22, 22, cidr)] } }), EXAMPLE_CONTEXT),
        )[0]?.scope,
    );

    expect(scopes).toEqual(['tcp 22 from 128.0.0.0/1', 'tcp 22 from 202.0.0.0/7', undefined, 'tcp 22 from 2000::/3', undefined]);
  });

  it('names the actor, the group and what the internet can reach, and borrows the rule id from the response', () => {
    const record = ec2(
      'AuthorizeSecurityGroupIngress',
      { groupId: GROUP, ipPermissions: { items: [permission('tcp', 1000, 2000, '0.0.0.0/0')] } },
      {
        _return: true,
        securityGroupRuleSet: {
          items: [{ groupId: GROUP, securityGroupRuleId: 'sgr-0aaa', isEgress: false, ipProtocol: 'tcp', fromPort: 1000, toPort: 2000, cidrIpv4: '0.0.0.0/0' }],
        },
      },
    );

    const [match, ...others] = matchesOf(rule.evaluate(record, EXAMPLE_CONTEXT));

    expect(match?.summary).toBe(
      `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice opened TCP 1000-2000 (SQL Server 1433, Oracle 1521) in security group ${GROUP} to 0.0.0.0/0; restrict the source or revoke the rule.`,
    );
    expect(match?.details).toEqual({
      groupId: GROUP,
      rule: 'tcp 1000-2000 from 0.0.0.0/0',
      opens: 'TCP 1000-2000 (SQL Server 1433, Oracle 1521)',
      securityGroupRuleId: 'sgr-0aaa',
    });
    expect(others).toEqual([]);
  });

  it('reads the single-rule request form and the group id from the response when the request names the group by name', () => {
    const record = ec2(
      'AuthorizeSecurityGroupIngress',
      { groupName: 'default', ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIp: '0.0.0.0/0' },
      {
        _return: true,
        securityGroupRuleSet: {
          items: [{ groupId: GROUP, securityGroupRuleId: 'sgr-0bbb', isEgress: false, ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '0.0.0.0/0' }],
        },
      },
    );

    const [match, ...others] = matchesOf(rule.evaluate(record, EXAMPLE_CONTEXT));

    expect(match).toMatchObject({ resource: groupArn, scope: 'tcp 3389 from 0.0.0.0/0', severity: 'high' });
    expect(others).toEqual([]);
  });

  it('reads XML-derived {content} values and numeric strings in ModifySecurityGroupRules', () => {
    const record = ec2('ModifySecurityGroupRules', {
      ModifySecurityGroupRulesRequest: {
        GroupId: { content: GROUP, tag: 1 },
        SecurityGroupRule: [
          { SecurityGroupRuleId: 'sgr-0ccc', tag: 1, SecurityGroupRule: { IpProtocol: 'TCP', FromPort: '27017', ToPort: '27017', CidrIpv6: '::/0' } },
        ],
      },
    });

    const [match, ...others] = matchesOf(rule.evaluate(record, EXAMPLE_CONTEXT));

    expect(match).toMatchObject({ resource: groupArn, scope: 'tcp 27017 from ::/0' });
    expect(match?.summary).toContain('changed a rule of security group');
    expect(match?.details).toMatchObject({ securityGroupRuleId: 'sgr-0ccc' });
    expect(others).toEqual([]);
  });

  it('resolves nothing for a rule a default VPC reports it did not find', () => {
    const record = ec2(
      'RevokeSecurityGroupIngress',
      { groupId: GROUP, ipPermissions: { items: [permission('tcp', 22, 22, '0.0.0.0/0')] } },
      { _return: true, unknownIpPermissionSet: { items: [permission('tcp', 22, 22, '0.0.0.0/0')] } },
    );

    expect(rule.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('resolves nothing for a revoke by rule id whose record does not list the revoked rules', () => {
    const record = ec2('RevokeSecurityGroupIngress', { groupId: GROUP, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0aaa' }] } });

    expect(rule.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('ignores egress rules a response lists as revoked', () => {
    const record = ec2(
      'RevokeSecurityGroupIngress',
      { groupId: GROUP },
      {
        _return: true,
        revokedSecurityGroupRuleSet: {
          items: [{ groupId: GROUP, securityGroupRuleId: 'sgr-0ddd', isEgress: true, ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }],
        },
      },
    );

    expect(rule.resolves?.(record, EXAMPLE_CONTEXT)).toEqual([]);
  });

  it('stays silent without a group id', () => {
    const record = ec2('AuthorizeSecurityGroupIngress', { groupName: 'default', ipPermissions: { items: [permission('tcp', 22, 22, '0.0.0.0/0')] } });

    expect(matchesOf(rule.evaluate(record, EXAMPLE_CONTEXT))).toEqual([]);
  });
});
