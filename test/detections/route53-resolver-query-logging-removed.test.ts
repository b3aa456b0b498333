import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { route53ResolverQueryLoggingRemoved } from '../../shared/detections/route53resolver/route53-resolver-query-logging-removed.js';
import { exampleEvent } from '../../shared/detections/example-events.js';

describe('route53-resolver-query-logging-removed', () => {
  it('files a deleted configuration under the ARN the response gives, which names its owner', () => {
    const sharedConfigArn = 'arn:aws:route53resolver:eu-west-1:444455556666:resolver-query-log-config/rqlc-0123456789abcdef';
    const record = exampleEvent('route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig', {
      requestParameters: { resolverQueryLogConfigId: 'rqlc-0123456789abcdef' },
      responseElements: { resolverQueryLogConfig: { id: 'rqlc-0123456789abcdef', arn: sharedConfigArn, destinationArn: 'arn:aws:s3:::dns-logs' } },
    });

    expect(firstMatch(route53ResolverQueryLoggingRemoved, record)).toMatchObject({
      resource: sharedConfigArn,
      details: { destinationArn: 'arn:aws:s3:::dns-logs' },
    });
  });

  it('reads the VPC and configuration from the response when the request lacks them', () => {
    const record = exampleEvent('route53resolver.amazonaws.com', 'DisassociateResolverQueryLogConfig', {
      requestParameters: {},
      responseElements: { resolverQueryLogConfigAssociation: { resolverQueryLogConfigId: 'rqlc-0123456789abcdef', resourceId: 'vpc-0a1b2c3d' } },
    });

    expect(firstMatch(route53ResolverQueryLoggingRemoved, record)).toMatchObject({
      resource: 'arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0a1b2c3d',
      scope: 'query-log-config/rqlc-0123456789abcdef',
    });
  });
});
