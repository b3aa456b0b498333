import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const configId = 'rqlc-ba781297ce9c4009';
const vpcId = 'vpc-0a1b2c3d4e5f60718';
const vpcArn = `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:vpc/${vpcId}`;
const configArn = `arn:aws:route53resolver:eu-west-1:${EXAMPLE_ACCOUNT}:resolver-query-log-config/${configId}`;

const association = (eventName: string, status: string, config = configId, vpc = vpcId) =>
  exampleEvent('route53resolver.amazonaws.com', eventName, {
    requestParameters: { resolverQueryLogConfigId: config, resourceId: vpc },
    responseElements: {
      resolverQueryLogConfigAssociation: {
        id: 'rqlca-0f1e2d3c4b5a6978',
        resolverQueryLogConfigId: config,
        resourceId: vpc,
        status,
        error: 'NONE',
        errorMessage: '',
        creationTime: '2026-11-01T08:00:00.000Z',
      },
    },
  });

/** As Stratus Red Team's aws.defense-evasion.dns-delete-logs records it: the response carries the whole configuration. */
const deleteConfig = (responseElements: object | null) =>
  exampleEvent('route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig', {
    userIdentity: exampleIdentities.assumedRole,
    requestParameters: { resolverQueryLogConfigId: configId, originSequenceNumber: 0 },
    responseElements,
  });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a VPC disassociated from its query logging configuration',
      record: association('DisassociateResolverQueryLogConfig', 'DELETING'),
      expect: { severity: 'medium', resource: vpcArn, scope: `query-log-config/${configId}` },
    },
    {
      name: 'a query logging configuration deleted',
      record: deleteConfig({
        resolverQueryLogConfig: {
          id: configId,
          ownerId: EXAMPLE_ACCOUNT,
          status: 'DELETING',
          shareStatus: 'NOT_SHARED',
          associationCount: 0,
          arn: configArn,
          name: 'vpc-dns-queries',
          destinationArn: 'arn:aws:s3:::example-dns-query-logs',
          creatorRequestId: 'console-2026-11-01',
          creationTime: '2026-11-01T08:00:00.000Z',
        },
      }),
      expect: { severity: 'medium', resource: configArn, scope: 'configuration-deleted' },
    },
    { name: 'a configuration deleted, no response recorded', record: deleteConfig(null), expect: { resource: configArn, scope: 'configuration-deleted' } },
  ],
  negative: [
    { name: 'a VPC associated', record: association('AssociateResolverQueryLogConfig', 'CREATING') },
    {
      name: 'a configuration created',
      record: exampleEvent('route53resolver.amazonaws.com', 'CreateResolverQueryLogConfig', {
        requestParameters: { name: 'vpc-dns-queries', destinationArn: 'arn:aws:s3:::example-dns-query-logs', creatorRequestId: 'console-2026-11-01' },
      }),
    },
    {
      name: 'a disassociation naming no VPC',
      record: exampleEvent('route53resolver.amazonaws.com', 'DisassociateResolverQueryLogConfig', {
        requestParameters: { resolverQueryLogConfigId: configId },
      }),
    },
    {
      name: 'a Resolver rule disassociated (not query logging)',
      record: exampleEvent('route53resolver.amazonaws.com', 'DisassociateResolverRule', {
        requestParameters: { vPCId: vpcId, resolverRuleId: 'rslvr-rr-5328a0899aexample' },
      }),
    },
  ],
  resolving: [
    {
      name: 'the same configuration associated with the same VPC again',
      record: association('AssociateResolverQueryLogConfig', 'CREATING'),
      removes: [{ resource: vpcArn, scope: `query-log-config/${configId}` }],
    },
    {
      name: 'another configuration associated with the VPC: closes only that pair',
      record: association('AssociateResolverQueryLogConfig', 'CREATING', 'rqlc-0123456789abcdef'),
      removes: [{ resource: vpcArn, scope: 'query-log-config/rqlc-0123456789abcdef' }],
    },
  ],
};
