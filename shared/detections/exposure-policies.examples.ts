import { EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT, TRUSTED_ORGANIZATION, TRUSTED_PARTNER_ACCOUNT } from './example-events.js';

/**
 * Resource policies for the examples of the "resource opened to the world or to an outside
 * account" rules: the cases every one of them must tell apart, written once. Only example files
 * import it, and its .examples.ts suffix keeps it out of every Lambda bundle (scripts/build.ts).
 */
export function policyOf(...statements: object[]): { Version: string; Statement: object[] } {
  return { Version: '2012-10-17', Statement: statements };
}

export function exposureStatements(action: string | readonly string[], resource: string) {
  const allow = (sid: string, principal: unknown, condition?: object) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: action,
    Resource: resource,
    ...(condition === undefined ? {} : { Condition: condition }),
  });
  return {
    public: allow('Public', '*'),
    publicAws: allow('PublicAws', { AWS: '*' }),
    outsideAccount: allow('Vendor', { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }),
    ownAccount: allow('Owner', { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` }),
    trustedPartner: allow('Partner', { AWS: `arn:aws:iam::${TRUSTED_PARTNER_ACCOUNT}:role/reader` }),
    trustedOrganization: allow('Organization', '*', { StringEquals: { 'aws:PrincipalOrgID': TRUSTED_ORGANIZATION } }),
    untrustedOrganization: allow('OtherOrganization', '*', { StringEquals: { 'aws:PrincipalOrgID': 'o-otherorg999' } }),
    ownSource: allow('OwnSource', '*', { StringEquals: { 'aws:SourceAccount': EXAMPLE_ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:s3:::acme-uploads` } }),
    onlyExternalId: allow('ExternalId', '*', { StringEquals: { 'sts:ExternalId': 'shared-secret-string' } }),
    service: (service: string) => allow('Service', { Service: service }),
    /** "Nobody outside my organization": narrows a public Allow to the trusted organization. */
    denyOutsideOrganization: {
      Sid: 'OnlyMyOrganization',
      Effect: 'Deny',
      Principal: '*',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': TRUSTED_ORGANIZATION } },
    },
  };
}
