import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_ORGANIZATION, TRUSTED_PARTNER_ACCOUNT, exampleEvent } from '../example-events.js';
import { exposureStatements, policyOf } from '../exposure-policies.examples.js';

const defaultBusArn = `arn:aws:events:eu-west-1:${EXAMPLE_ACCOUNT}:event-bus/default`;
const ordersBusArn = `arn:aws:events:eu-west-1:${EXAMPLE_ACCOUNT}:event-bus/orders`;
const statements = exposureStatements('events:PutEvents', ordersBusArn);

/** PutPermission with the request members of the API reference, one statement at a time. */
const putPermission = (requestParameters: object) => exampleEvent('events.amazonaws.com', 'PutPermission', { requestParameters });
const putPolicy = (...policy: object[]) => putPermission({ eventBusName: 'orders', policy: JSON.stringify(policyOf(...policy)) });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'any account may put events on the default bus',
      record: putPermission({ action: 'events:PutEvents', principal: '*', statementId: 'open' }),
      expect: { severity: 'critical', resource: defaultBusArn, scope: 'statement/open' },
    },
    {
      name: 'an outside account may put events',
      record: putPermission({ eventBusName: 'orders', action: 'events:PutEvents', principal: OUTSIDE_ACCOUNT, statementId: 'vendor' }),
      expect: { severity: 'high', resource: ordersBusArn, scope: 'statement/vendor' },
    },
    {
      name: 'any account of an untrusted organization',
      record: putPermission({
        eventBusName: 'orders',
        action: 'events:PutEvents',
        principal: '*',
        statementId: 'other-org',
        condition: { type: 'StringEquals', key: 'aws:PrincipalOrgID', value: 'o-otherorg999' },
      }),
      expect: { severity: 'high', scope: 'statement/other-org' },
    },
    {
      name: 'a whole policy open to everyone',
      record: putPolicy(statements.public),
      expect: { severity: 'critical', resource: ordersBusArn, scope: 'policy' },
    },
  ],
  negative: [
    {
      name: 'a trusted partner account',
      record: putPermission({ eventBusName: 'orders', action: 'events:PutEvents', principal: TRUSTED_PARTNER_ACCOUNT, statementId: 'partner' }),
    },
    {
      name: 'any account of the trusted organization',
      record: putPermission({
        eventBusName: 'orders',
        action: 'events:PutEvents',
        principal: '*',
        statementId: 'my-org',
        condition: { type: 'StringEquals', key: 'aws:PrincipalOrgID', value: TRUSTED_ORGANIZATION },
      }),
    },
    { name: 'a whole policy for the own account', record: putPolicy(statements.ownAccount) },
    { name: 'a whole policy pinned by aws:SourceAccount of the own account', record: putPolicy(statements.ownSource) },
    { name: 'a whole policy for a service principal', record: putPolicy(statements.service('events.amazonaws.com')) },
    { name: 'a whole public policy narrowed by a Deny outside the organization', record: putPolicy(statements.public, statements.denyOutsideOrganization) },
    { name: 'a statement without a principal', record: putPermission({ eventBusName: 'orders', action: 'events:PutEvents', statementId: 'broken' }) },
  ],
  resolving: [
    {
      name: 'the statement removed by id',
      record: exampleEvent('events.amazonaws.com', 'RemovePermission', { requestParameters: { statementId: 'open' } }),
      removes: [{ resource: defaultBusArn, scope: 'statement/open' }],
    },
    {
      name: 'every statement removed',
      record: exampleEvent('events.amazonaws.com', 'RemovePermission', { requestParameters: { eventBusName: 'orders', removeAllPermissions: true } }),
      removes: [{ resource: ordersBusArn }],
    },
    { name: 'a whole policy that exposes nothing', record: putPolicy(statements.trustedPartner), removes: [{ resource: ordersBusArn }] },
    {
      name: 'bus deleted',
      record: exampleEvent('events.amazonaws.com', 'DeleteEventBus', { requestParameters: { name: 'orders' } }),
      removes: [{ resource: ordersBusArn }],
    },
  ],
};
