// The VPC state reader (security groups) against moto over HTTP, in two regions: the exact findings of
// inbound rules open to the internet and of look-alikes, the finding id each event would give, then
// rules revoked and a group deleted, and resolved.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { ONLY_OWN_ACCOUNT } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { vpcReader } from '../../../shared/scan/readers/vpc.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const ec2 = motoClients(moto, (config) => new EC2Client(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const RULE = 'ec2-security-group-open-to-internet';
const context = { boundary: ONLY_OWN_ACCOUNT };
const REGIONS = ['us-east-1', 'eu-west-1'];
const groupArn = (region: string, id: string) => `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${id}`;

const ids: Record<string, string> = {};

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, vpcReader, { context, regions: REGIONS });
}

const tcp = (from: number, to: number, cidrs: { v4?: string[]; v6?: string[] }): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: (cidrs.v4 ?? []).map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: (cidrs.v6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
});
const SSH_ANYWHERE = tcp(22, 22, { v4: ['0.0.0.0/0'] });

async function group(name: string, permissions: IpPermission[], region = 'us-east-1'): Promise<void> {
  const { GroupId: id = '' } = await ec2(region).send(new CreateSecurityGroupCommand({ GroupName: name, Description: name }));
  ids[name] = id;
  if (permissions.length > 0) await ec2(region).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: permissions }));
}

beforeAll(async () => {
  // Risks: SSH to both internets beside harmless HTTPS, all traffic from a /0 written with host bits,
  // a range that includes databases, RDP in another region.
  await group('bastion', [{ ...SSH_ANYWHERE, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }, tcp(443, 443, { v4: ['0.0.0.0/0'] })]);
  await group('wide-open', [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '203.0.113.7/0' }] }]);
  await group('databases', [tcp(5000, 6000, { v4: ['0.0.0.0/0'] })]);
  await group('windows', [tcp(3389, 3389, { v6: ['::/0'] })], 'eu-west-1');
  // Look-alikes: SSH from a /8, HTTPS only, ICMP from anywhere, PostgreSQL from another group.
  await group('office-ssh', [tcp(22, 22, { v4: ['10.0.0.0/8'] })]);
  await group('web', [tcp(443, 443, { v4: ['0.0.0.0/0'], v6: ['::/0'] })]);
  await group('ping', [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
  await group('app', [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: ids['web'] }] }]);
}, 60_000);

describe('the VPC state reader', () => {
  it('finds exactly the inbound rules open to the internet on a sensitive port, in each region, and none of the look-alikes', async () => {
    const report = await scan();
    let listed = 0;
    for (const region of REGIONS) listed += (await ec2(region).send(new DescribeSecurityGroupsCommand({}))).SecurityGroups?.length ?? 0;

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(foundIn(report)).toEqual(
      [
        `${RULE} ${groupArn('us-east-1', ids['bastion']!)} tcp 22 from 0.0.0.0/0 high us-east-1`,
        `${RULE} ${groupArn('us-east-1', ids['bastion']!)} tcp 22 from ::/0 high us-east-1`,
        `${RULE} ${groupArn('us-east-1', ids['wide-open']!)} all traffic from 0.0.0.0/0 critical us-east-1`,
        `${RULE} ${groupArn('us-east-1', ids['databases']!)} tcp 5000-6000 from 0.0.0.0/0 high us-east-1`,
        `${RULE} ${groupArn('eu-west-1', ids['windows']!)} tcp 3389 from ::/0 high eu-west-1`,
      ].sort(),
    );
    expect(report.counts).toEqual({ 'security groups': listed });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const authorize = (id: string, permission: Record<string, unknown>, region = 'us-east-1') =>
      event('AuthorizeSecurityGroupIngress', { groupId: id, ipPermissions: { items: [permission] } }, region);
    const v4 = (...cidrs: string[]) => ({ items: cidrs.map((cidrIp) => ({ cidrIp })) });
    const v6 = (...cidrs: string[]) => ({ items: cidrs.map((cidrIpv6) => ({ cidrIpv6 })) });
    const events: CloudTrailRecord[] = [
      authorize(ids['bastion']!, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: v4('0.0.0.0/0'), ipv6Ranges: v6('::/0') }),
      authorize(ids['wide-open']!, { ipProtocol: '-1', ipRanges: v4('203.0.113.7/0'), ipv6Ranges: {} }),
      authorize(ids['databases']!, { ipProtocol: 'tcp', fromPort: 5000, toPort: 6000, ipRanges: v4('0.0.0.0/0'), ipv6Ranges: {} }),
      authorize(ids['windows']!, { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, ipRanges: {}, ipv6Ranges: v6('::/0') }, 'eu-west-1'),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(5);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('resolves a revoked rule and a deleted group on the next scan, and keeps the rules still open', async () => {
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(5);

    await ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: ids['bastion'], IpPermissions: [SSH_ANYWHERE] }));
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: ids['wide-open'] }));
    await aSecondLater();
    const second = await recordScan(opened.store, await scan());

    const resolved = second.resolved.map((change) => `${change.finding?.resource} ${change.finding?.scope}`).sort();
    expect(resolved).toEqual(
      [`${groupArn('us-east-1', ids['bastion']!)} tcp 22 from 0.0.0.0/0`, `${groupArn('us-east-1', ids['wide-open']!)} all traffic from 0.0.0.0/0`].sort(),
    );
    expect(second.written.map((change) => change.outcome)).toEqual(['updated', 'updated', 'updated']);
  });
});

/** A successful ec2 call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, region = 'us-east-1'): CloudTrailRecord {
  return loggedCall('ec2.amazonaws.com', eventName, requestParameters, { region });
}
