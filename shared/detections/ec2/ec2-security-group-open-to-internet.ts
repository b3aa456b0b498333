import { isIPv4, isIPv6 } from 'node:net';
import { accountOf, actorOf, asList, field, isObject, regionOf, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

/**
 * Services that must not face the internet: remote administration and databases. A TCP or UDP rule
 * whose port range includes one of them counts (CIS reads 22 and 3389 over TCP, UDP or all protocols).
 */
const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [3389, 'RDP'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [5439, 'Redshift'],
  [5984, 'CouchDB'],
  [6379, 'Redis'],
  [9042, 'Cassandra'],
  [9200, 'OpenSearch'],
  [9300, 'OpenSearch transport'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
]);

/**
 * Ranges wider than any network one organisation holds: shorter than /8 in IPv4 (the largest block
 * IANA ever allocated) and /12 in IPv6 (what IANA gives a whole regional registry). /0 is the whole
 * internet; 0.0.0.0/1 plus 128.0.0.0/1 covers it as well while evading a check that looks for /0.
 */
const NARROWEST_INTERNET_PREFIX = { ipv4: 7, ipv6: 11 } as const;

/** One ingress rule as a request or a response describes it. */
interface IngressRule {
  readonly protocol: string | undefined;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidr: string;
  readonly ruleId: string | undefined;
}

/** An ingress rule that lets the internet reach something that matters. */
interface Exposure {
  /** The rule as AWS matches it on revoke (protocol, ports, range with host bits cleared): the finding's scope. */
  readonly key: string;
  /** What it opens, for people: "SSH (22)", "all traffic"... */
  readonly opens: string;
  readonly source: string;
  readonly critical: boolean;
  readonly ruleId: string | undefined;
}

/** EC2 writes some values as `{content, tag}` when it keeps the request's XML-derived shape. */
function scalar(value: unknown): string | number | undefined {
  const inner = isObject(value) ? value['content'] : value;
  return typeof inner === 'string' || typeof inner === 'number' ? inner : undefined;
}

function text(value: unknown): string | undefined {
  const found = scalar(value);
  return found === undefined || found === '' ? undefined : String(found);
}

function portOf(value: unknown): number | undefined {
  const found = scalar(value);
  const port = typeof found === 'string' && /^-?\d{1,5}$/.test(found.trim()) ? Number(found) : found;
  return typeof port === 'number' && Number.isInteger(port) ? port : undefined;
}

/** The first of several spellings (camelCase in most EC2 records, PascalCase in ModifySecurityGroupRules). */
function pick(source: unknown, ...names: string[]): unknown {
  for (const name of names) {
    const value = field(source, name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** EC2 lists arrive as `{items: [...]}`, a bare array, a single object, or `{}` for none. */
function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return [];
  if (value['items'] !== undefined) return asList(value['items']);
  return Object.keys(value).length === 0 ? [] : [value];
}

/** "tcp" for 6, "udp" for 17, "all" for -1 (every protocol, every port). */
function protocolOf(value: unknown): string | undefined {
  const protocol = text(value)?.trim().toLowerCase();
  if (protocol === '6') return 'tcp';
  if (protocol === '17') return 'udp';
  if (protocol === '-1') return 'all';
  return protocol;
}

/** An IpPermission: one protocol and port range, opened to each of its IPv4 and IPv6 ranges. */
function rulesOfPermission(permission: unknown): IngressRule[] {
  const protocol = protocolOf(pick(permission, 'ipProtocol', 'IpProtocol'));
  const fromPort = portOf(pick(permission, 'fromPort', 'FromPort'));
  const toPort = portOf(pick(permission, 'toPort', 'ToPort'));
  const cidrs = [
    ...itemsOf(pick(permission, 'ipRanges', 'IpRanges')).map((range) => text(pick(range, 'cidrIp', 'CidrIp'))),
    ...itemsOf(pick(permission, 'ipv6Ranges', 'Ipv6Ranges')).map((range) => text(pick(range, 'cidrIpv6', 'CidrIpv6'))),
  ];
  return cidrs.filter((cidr) => cidr !== undefined).map((cidr) => ({ protocol, fromPort, toPort, cidr, ruleId: undefined }));
}

/**
 * A rule written flat: the SecurityGroupRule of ModifySecurityGroupRules, the rules a response lists,
 * or the single-rule form of AuthorizeSecurityGroupIngress (CidrIp, IpProtocol, FromPort, ToPort).
 */
function flatRule(source: unknown, ruleId?: string): IngressRule | undefined {
  const cidr = text(pick(source, 'cidrIpv4', 'CidrIpv4', 'cidrIpv6', 'CidrIpv6', 'cidrIp', 'CidrIp'));
  if (cidr === undefined) return undefined;
  return {
    protocol: protocolOf(pick(source, 'ipProtocol', 'IpProtocol')),
    fromPort: portOf(pick(source, 'fromPort', 'FromPort')),
    toPort: portOf(pick(source, 'toPort', 'ToPort')),
    cidr,
    ruleId: ruleId ?? text(pick(source, 'securityGroupRuleId', 'SecurityGroupRuleId')),
  };
}

/**
 * The range as AWS stores it (host bits cleared) when it is internet-wide, judged by its prefix
 * length and not its text: 203.0.113.7/0 is 0.0.0.0/0, 2001:db8::1/0 is ::/0.
 */
function internetRange(cidr: string): string | undefined {
  const [address = '', prefixText = '', ...rest] = cidr.trim().split('/');
  if (rest.length > 0 || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (isIPv4(address)) {
    if (prefix > NARROWEST_INTERNET_PREFIX.ipv4) return undefined;
    const first = Number(address.split('.')[0]) & (0xff << (8 - prefix)) & 0xff;
    return `${first}.0.0.0/${prefix}`;
  }
  if (isIPv6(address)) {
    if (prefix > NARROWEST_INTERNET_PREFIX.ipv6) return undefined;
    const head = address.startsWith('::') ? 0 : Number.parseInt(address.split(':')[0] ?? '', 16);
    const network = (Number.isNaN(head) ? 0 : head) & (0xffff << (16 - prefix)) & 0xffff;
    return network === 0 ? `::/${prefix}` : `${network.toString(16)}::/${prefix}`;
  }
  return undefined;
}

/** What the rule exposes to the internet, or undefined when it exposes nothing this rule watches. */
function exposureOf(rule: IngressRule): Exposure | undefined {
  const source = internetRange(rule.cidr);
  if (source === undefined) return undefined;
  if (rule.protocol === 'all') return { key: `all traffic from ${source}`, opens: 'all traffic', source, critical: true, ruleId: rule.ruleId };
  // Other protocols (ICMP, ESP, SCTP...) carry none of the services watched here.
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return undefined;
  const { fromPort, toPort } = rule;
  if (fromPort === undefined || toPort === undefined || fromPort < 0 || fromPort > toPort) return undefined;
  const ports = fromPort === toPort ? `${fromPort}` : `${fromPort}-${toPort}`;
  const key = `${rule.protocol} ${ports} from ${source}`;
  if (rule.protocol === 'tcp' && fromPort <= 1 && toPort >= 65535) return { key, opens: 'every TCP port', source, critical: true, ruleId: rule.ruleId };
  const services = [...SENSITIVE_PORTS].filter(([port]) => fromPort <= port && port <= toPort);
  const [first] = services;
  if (first === undefined) return undefined;
  const named =
    services
      .slice(0, 3)
      .map(([port, name]) => `${name} ${port}`)
      .join(', ') + (services.length > 3 ? ` and ${services.length - 3} more` : '');
  const opens =
    fromPort === toPort ? `${first[1]} (${first[0]})${rule.protocol === 'udp' ? ' over UDP' : ''}` : `${rule.protocol.toUpperCase()} ${ports} (${named})`;
  return { key, opens, source, critical: false, ruleId: rule.ruleId };
}

/** The exposures among rules, one per key, in the order given. */
function exposuresOf(rules: readonly (IngressRule | undefined)[]): Exposure[] {
  const byKey = new Map<string, Exposure>();
  for (const rule of rules) {
    const exposure = rule === undefined ? undefined : exposureOf(rule);
    if (exposure !== undefined && !byKey.has(exposure.key)) byKey.set(exposure.key, exposure);
  }
  return [...byKey.values()];
}

function groupOf(record: CloudTrailRecord): { id: string; arn: string } | undefined {
  const request = record['requestParameters'];
  const response = record['responseElements'];
  const listed = [...itemsOf(field(response, 'securityGroupRuleSet')), ...itemsOf(field(response, 'revokedSecurityGroupRuleSet'))];
  const id =
    text(field(request, 'groupId')) ??
    text(field(request, 'ModifySecurityGroupRulesRequest', 'GroupId')) ??
    listed.map((item) => text(field(item, 'groupId'))).find((found) => found !== undefined) ??
    text(field(response, 'groupId'));
  return id === undefined ? undefined : { id, arn: `arn:${partitionOf(record)}:ec2:${regionOf(record)}:${accountOf(record)}:security-group/${id}` };
}

/** The rules a request names: its IpPermissions and the single-rule form. */
function requestedRules(request: unknown): (IngressRule | undefined)[] {
  return [...itemsOf(field(request, 'ipPermissions')).flatMap(rulesOfPermission), flatRule(request)];
}

/** What an AuthorizeSecurityGroupIngress or ModifySecurityGroupRules opened, with rule ids where the record gives them. */
function openedExposures(record: CloudTrailRecord): Exposure[] {
  const request = record['requestParameters'];
  if (record.eventName === 'ModifySecurityGroupRules') {
    return exposuresOf(
      asList(field(request, 'ModifySecurityGroupRulesRequest', 'SecurityGroupRule')).map((update) =>
        flatRule(field(update, 'SecurityGroupRule'), text(field(update, 'SecurityGroupRuleId'))),
      ),
    );
  }
  // The response lists the rules created, with their ids (sgr-...): borrowed for the details.
  const created = exposuresOf(itemsOf(field(record, 'responseElements', 'securityGroupRuleSet')).map((item) => flatRule(item)));
  const ruleIds = new Map(created.map((exposure) => [exposure.key, exposure.ruleId]));
  return exposuresOf(requestedRules(request)).map((exposure) => ({ ...exposure, ruleId: ruleIds.get(exposure.key) }));
}

/**
 * What a RevokeSecurityGroupIngress closed: the rules the response lists as revoked (the only place
 * a revoke by rule id says which ports it closed), and the rules the request names, less those AWS
 * reports it did not find (a default VPC answers success and lists them in unknownIpPermissionSet).
 */
function revokedExposures(record: CloudTrailRecord): Exposure[] {
  const response = record['responseElements'];
  const listed = itemsOf(field(response, 'revokedSecurityGroupRuleSet'))
    .filter((item) => field(item, 'isEgress') !== true && field(item, 'isEgress') !== 'true')
    .map((item) => flatRule(item));
  const unknown = new Set(exposuresOf(itemsOf(field(response, 'unknownIpPermissionSet')).flatMap(rulesOfPermission)).map((exposure) => exposure.key));
  return exposuresOf([...listed, ...requestedRules(record['requestParameters'])]).filter((exposure) => !unknown.has(exposure.key));
}

const OPENING = ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'];

export const ec2SecurityGroupOpenToInternet: Detection = {
  id: 'ec2-security-group-open-to-internet',
  title: 'Security group opened to the internet on a sensitive port',
  severity: 'critical',
  description:
    'An inbound security group rule now lets the whole internet reach remote administration or a database: SSH (22), RDP (3389), ' +
    'SQL Server (1433), Oracle (1521), MySQL (3306), PostgreSQL (5432), Redshift (5439), CouchDB (5984), Redis (6379), Cassandra ' +
    '(9042), OpenSearch (9200, 9300), Memcached (11211) or MongoDB (27017), over TCP or UDP, a port range that includes one of them ' +
    'counting. High; critical when the rule opens every TCP port or all traffic, which leaves every service on every instance in ' +
    'the group to its own defences. A source is judged by its prefix length, not its text: 0.0.0.0/0, ::/0 and the same written ' +
    'with host bits, and any range wider than an organisation can hold (IPv4 shorter than /8, IPv6 shorter than /12, such as ' +
    '0.0.0.0/1 with 128.0.0.0/1). One finding per group and rule (protocol, ports, range), so revoking exactly that rule (or ' +
    'deleting the group) resolves it. Not caught: sources given as a prefix list or another security group (the event names ' +
    'only their id, and which addresses a customer-managed prefix list holds is not in it), ports outside the list above. ' +
    'ModifySecurityGroupRules names the rule by id only, so it raises whether that rule is inbound or outbound, and a change that ' +
    'narrows a rule cannot say which finding it closes; a revoke by rule id resolves through the rules AWS lists as revoked in ' +
    'its response, and resolves nothing when the record lacks that list.',
  remediation:
    'Revoke the rule: `aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions ' +
    "'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'` (or by id: `aws ec2 revoke-security-group-ingress " +
    '--group-id GROUP --security-group-rule-ids RULE`), then allow only known sources (an office range, another security group, a ' +
    'prefix list), or reach instances with no open port through Systems Manager Session Manager or EC2 Instance Connect Endpoint. ' +
    'Check the instances and databases behind the group for logins from unknown addresses while it was open.',
  references: {
    cis: ['5.2', '5.3'],
    securityHub: ['EC2.13', 'EC2.14', 'EC2.19', 'EC2.53', 'EC2.54'],
    mitreAttack: ['T1562.007'],
    links: [
      'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
      'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html',
    ],
  },
  scoped: true,
  events: [
    {
      eventSource: 'ec2.amazonaws.com',
      eventNames: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules', 'RevokeSecurityGroupIngress', 'DeleteSecurityGroup'],
    },
  ],

  evaluate(record) {
    if (!OPENING.includes(record.eventName)) return undefined;
    const group = groupOf(record);
    if (group === undefined) return undefined;
    const actor = actorOf(record).arn;
    // One finding per rule (its scope is the rule as a revoke names it), so revoking exactly that rule resolves exactly it.
    return openedExposures(record).map((exposure) => ({
      severity: exposure.critical ? 'critical' : 'high',
      resource: group.arn,
      scope: exposure.key,
      summary:
        record.eventName === 'ModifySecurityGroupRules'
          ? `${actor} changed a rule of security group ${group.id} to allow ${exposure.opens} from ${exposure.source}; if it is an inbound rule, restrict its source or revoke it.`
          : `${actor} opened ${exposure.opens} in security group ${group.id} to ${exposure.source}; restrict the source or revoke the rule.`,
      details: { groupId: group.id, rule: exposure.key, opens: exposure.opens, securityGroupRuleId: exposure.ruleId },
    }));
  },

  resolves(record) {
    const group = groupOf(record);
    if (group === undefined) return [];
    if (record.eventName === 'DeleteSecurityGroup') return [{ resource: group.arn, reason: 'security group deleted' }];
    if (record.eventName !== 'RevokeSecurityGroupIngress') return [];
    return revokedExposures(record).map((exposure) => ({ resource: group.arn, scope: exposure.key, reason: `inbound rule revoked: ${exposure.key}` }));
  },
};
