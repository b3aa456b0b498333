import { accountOf, actorOf, asList, field, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection, Severity } from '../detection.js';

type ProviderKind = 'SAML' | 'OIDC';

/**
 * The provider an event acts on. Creations name it in the response (sAMLProviderArn,
 * openIDConnectProviderArn); when the response was not recorded the ARN is rebuilt from the request:
 * saml-provider/NAME, or oidc-provider/ followed by the URL without its scheme.
 */
function providerOf(record: CloudTrailRecord): { kind: ProviderKind; arn: string } | undefined {
  const kind: ProviderKind = record.eventName.includes('SAML') ? 'SAML' : 'OIDC';
  const arnField = kind === 'SAML' ? 'sAMLProviderArn' : 'openIDConnectProviderArn';
  const given = stringField(record, 'responseElements', arnField) ?? stringField(record, 'requestParameters', arnField);
  if (given !== undefined && given !== '') return { kind, arn: given };
  const prefix = `arn:${partitionOf(record)}:iam::${accountOf(record)}`;
  if (record.eventName === 'CreateSAMLProvider') {
    const name = stringField(record, 'requestParameters', 'name');
    return name === undefined || name === '' ? undefined : { kind, arn: `${prefix}:saml-provider/${name}` };
  }
  if (record.eventName === 'CreateOpenIDConnectProvider') {
    const host = stringField(record, 'requestParameters', 'url')
      ?.replace(/^https:\/\//i, '')
      .replace(/\/+$/, '');
    return host === undefined || host === '' ? undefined : { kind, arn: `${prefix}:oidc-provider/${host}` };
  }
  return undefined;
}

/** IAM Identity Center manages the SAML provider of each account it serves through this service-linked role. */
const IDENTITY_CENTER_ROLE = /:assumed-role\/AWSServiceRoleForSSO\//;

/** What each event changed, how bad it is, and the evidence worth keeping (never a metadata document or a key). */
function changeOf(record: CloudTrailRecord): { severity: Severity; what: string; details: Record<string, unknown> } | undefined {
  const strings = (name: string, limit: number) =>
    asList(field(record, 'requestParameters', name))
      .filter((value) => typeof value === 'string')
      .slice(0, limit);
  switch (record.eventName) {
    case 'CreateSAMLProvider':
      return { severity: 'medium', what: 'created the SAML identity provider', details: { name: stringField(record, 'requestParameters', 'name') } };
    case 'UpdateSAMLProvider': {
      // A new metadata document swaps the signing certificate of a provider that roles already trust.
      const metadata = field(record, 'requestParameters', 'sAMLMetadataDocument');
      const newMetadata = metadata !== undefined && metadata !== null && metadata !== '';
      return {
        severity: newMetadata ? 'high' : 'medium',
        what: newMetadata ? 'replaced the metadata (signing certificate) of the SAML identity provider' : 'changed the SAML identity provider',
        details: { newMetadataDocument: newMetadata, assertionEncryptionMode: stringField(record, 'requestParameters', 'assertionEncryptionMode') },
      };
    }
    case 'CreateOpenIDConnectProvider':
      return {
        severity: 'medium',
        what: 'created the OIDC identity provider',
        details: { url: stringField(record, 'requestParameters', 'url'), clientIds: strings('clientIDList', 10), thumbprints: strings('thumbprintList', 5) },
      };
    case 'UpdateOpenIDConnectProviderThumbprint':
      return {
        severity: 'medium',
        what: 'changed the certificate thumbprints of the OIDC identity provider',
        details: { thumbprints: strings('thumbprintList', 5) },
      };
    case 'AddClientIDToOpenIDConnectProvider': {
      const clientId = stringField(record, 'requestParameters', 'clientID');
      return {
        severity: 'medium',
        what: `added the audience ${clientId === undefined ? '' : `"${clientId}" `}to the OIDC identity provider`,
        details: { clientId },
      };
    }
    default:
      return undefined;
  }
}

export const iamIdentityProviderChanged: Detection = {
  id: 'iam-identity-provider-changed',
  title: 'SAML or OIDC identity provider created or changed',
  severity: 'high',
  description:
    'A SAML or OpenID Connect identity provider was created or changed in IAM. Whoever controls that provider can sign in as ' +
    'any role whose trust policy names it, without any IAM user or key: a quiet way back into the account that survives every ' +
    'password and key reset. High when the metadata of an existing SAML provider is replaced (the roles that trust it now ' +
    'accept assertions signed by a different certificate); medium for a new provider (no role trusts it yet, but the next ' +
    'trust policy can), new OIDC thumbprints or a new OIDC audience. Changes made by IAM Identity Center through its ' +
    'service-linked role (AWSServiceRoleForSSO) are left out. Removing an audience (RemoveClientIDFromOpenIDConnectProvider) ' +
    'narrows trust and is not reported.',
  remediation:
    'Confirm with whoever owns federation that the change was planned. If not, delete the provider ' +
    '(`aws iam delete-saml-provider --saml-provider-arn ARN` or `aws iam delete-open-id-connect-provider ' +
    '--open-id-connect-provider-arn ARN`) or restore its metadata (`aws iam update-saml-provider --saml-provider-arn ARN ' +
    '--saml-metadata-document file://idp-metadata.xml`), list the roles whose trust policy names it, and review CloudTrail for ' +
    'AssumeRoleWithSAML and AssumeRoleWithWebIdentity calls through it since the change.',
  references: {
    mitreAttack: ['T1484.002', 'T1098'],
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html'],
  },
  scoped: false,
  events: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: [
        'CreateSAMLProvider',
        'UpdateSAMLProvider',
        'CreateOpenIDConnectProvider',
        'UpdateOpenIDConnectProviderThumbprint',
        'AddClientIDToOpenIDConnectProvider',
        'DeleteSAMLProvider',
        'DeleteOpenIDConnectProvider',
      ],
    },
  ],

  evaluate(record) {
    const change = changeOf(record);
    if (change === undefined) return undefined;
    const actor = actorOf(record).arn;
    if (IDENTITY_CENTER_ROLE.test(actor)) return undefined;
    const provider = providerOf(record);
    if (provider === undefined) return undefined;
    return {
      severity: change.severity,
      resource: provider.arn,
      summary: `${actor} ${change.what} ${provider.arn}; whoever controls it can sign in as the roles that trust it.`,
      details: { provider: provider.arn, kind: provider.kind, action: record.eventName, ...change.details },
    };
  },

  resolves(record) {
    if (record.eventName !== 'DeleteSAMLProvider' && record.eventName !== 'DeleteOpenIDConnectProvider') return [];
    const provider = providerOf(record);
    return provider === undefined ? [] : [{ resource: provider.arn, reason: `${provider.kind} identity provider deleted` }];
  },
};
