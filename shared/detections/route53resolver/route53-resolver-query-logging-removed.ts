import { accountOf, actorOf, regionOf, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection } from '../detection.js';

const CONFIGURATION_DELETED = 'configuration-deleted';

/** One VPC's association with one query logging configuration: a VPC may be logged by several, told apart by scope. */
function associationScope(configId: string): string {
  return `query-log-config/${configId}`;
}

/**
 * The VPC and configuration named by Associate/DisassociateResolverQueryLogConfig (request
 * `resolverQueryLogConfigId` and `resourceId`, the VPC id; the response's
 * `resolverQueryLogConfigAssociation` repeats both). The VPC is in the account and region of the call.
 */
function associationOf(record: CloudTrailRecord): { vpcId: string; vpcArn: string; configId: string } | undefined {
  const answered = (name: string) => stringField(record, 'responseElements', 'resolverQueryLogConfigAssociation', name);
  const configId = stringField(record, 'requestParameters', 'resolverQueryLogConfigId') ?? answered('resolverQueryLogConfigId');
  const vpcId = stringField(record, 'requestParameters', 'resourceId') ?? answered('resourceId');
  if (configId === undefined || configId === '' || vpcId === undefined || vpcId === '') return undefined;
  return { vpcId, vpcArn: `arn:${partitionOf(record)}:ec2:${regionOf(record)}:${accountOf(record)}:vpc/${vpcId}`, configId };
}

/** The deleted configuration: its ARN from the response (which names the owner), else built in the caller's account. */
function deletedConfigurationOf(record: CloudTrailRecord): { id: string; arn: string } | undefined {
  const id = stringField(record, 'requestParameters', 'resolverQueryLogConfigId') ?? stringField(record, 'responseElements', 'resolverQueryLogConfig', 'id');
  if (id === undefined || id === '') return undefined;
  const answered = stringField(record, 'responseElements', 'resolverQueryLogConfig', 'arn');
  const arn =
    answered?.startsWith('arn:') === true
      ? answered
      : `arn:${partitionOf(record)}:route53resolver:${regionOf(record)}:${accountOf(record)}:resolver-query-log-config/${id}`;
  return { id, arn };
}

export const route53ResolverQueryLoggingRemoved: Detection = {
  id: 'route53-resolver-query-logging-removed',
  title: 'Route 53 Resolver query logging removed',
  severity: 'medium',
  description:
    'A VPC was disassociated from a Route 53 Resolver query logging configuration, or a configuration was deleted. DNS queries ' +
    'from the VPC (to command-and-control domains, to exfiltration endpoints) are then no longer recorded by it, which hides ' +
    'the very lookups investigations rely on. A disassociation is filed on the VPC, scoped by configuration, and resolved when ' +
    'the same configuration is associated with the same VPC again; a VPC still logged by another configuration is reported ' +
    'all the same, since the event cannot tell. A deletion (AWS allows it only once every VPC is disassociated and sharing stopped) ' +
    'is filed on the configuration and never resolved by an event: a new configuration has a new id.',
  remediation:
    'Associate the VPC with a query logging configuration again: `aws route53resolver associate-resolver-query-log-config ' +
    '--resolver-query-log-config-id CONFIG --resource-id VPC` (create one first if it was deleted: `aws route53resolver ' +
    'create-resolver-query-log-config --name NAME --destination-arn DESTINATION`), and review the DNS activity and API calls of ' +
    'the actor around the change. Limit route53resolver:DisassociateResolverQueryLogConfig and DeleteResolverQueryLogConfig to ' +
    'the roles that manage networking.',
  references: {
    mitreAttack: ['T1562.008'],
    links: ['https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html'],
  },
  scoped: true,
  events: [
    {
      eventSource: 'route53resolver.amazonaws.com',
      eventNames: ['DisassociateResolverQueryLogConfig', 'DeleteResolverQueryLogConfig', 'AssociateResolverQueryLogConfig'],
    },
  ],

  evaluate(record) {
    const actor = actorOf(record).arn;
    if (record.eventName === 'DisassociateResolverQueryLogConfig') {
      const association = associationOf(record);
      if (association === undefined) return undefined;
      return {
        severity: 'medium',
        resource: association.vpcArn,
        scope: associationScope(association.configId),
        summary: `${actor} stopped query logging configuration ${association.configId} from logging the DNS queries of VPC ${association.vpcId}.`,
        details: { vpcId: association.vpcId, resolverQueryLogConfigId: association.configId },
      };
    }
    if (record.eventName === 'DeleteResolverQueryLogConfig') {
      const configuration = deletedConfigurationOf(record);
      if (configuration === undefined) return undefined;
      const name = stringField(record, 'responseElements', 'resolverQueryLogConfig', 'name');
      return {
        severity: 'medium',
        resource: configuration.arn,
        scope: CONFIGURATION_DELETED,
        summary: `${actor} deleted Route 53 Resolver query logging configuration ${configuration.id}${name === undefined ? '' : ` (${name})`}: the DNS queries it logged are no longer recorded.`,
        details: {
          resolverQueryLogConfigId: configuration.id,
          name,
          destinationArn: stringField(record, 'responseElements', 'resolverQueryLogConfig', 'destinationArn'),
          shareStatus: stringField(record, 'responseElements', 'resolverQueryLogConfig', 'shareStatus'),
        },
      };
    }
    return undefined;
  },

  resolves(record) {
    if (record.eventName !== 'AssociateResolverQueryLogConfig') return [];
    const association = associationOf(record);
    if (association === undefined) return [];
    return [
      { resource: association.vpcArn, scope: associationScope(association.configId), reason: 'VPC associated with the query logging configuration again' },
    ];
  },
};
