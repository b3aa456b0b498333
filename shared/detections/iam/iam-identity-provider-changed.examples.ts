import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent, exampleIdentities } from '../example-events.js';

const samlArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:saml-provider/CorpIdP`;
const githubArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const metadata = '<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor entityID="https://idp.example.com/saml"></md:EntityDescriptor>';
const iam = (eventName: string, requestParameters: object, responseElements: object | null = null, userIdentity: object = exampleIdentities.assumedRole) =>
  exampleEvent('iam.amazonaws.com', eventName, { userIdentity, requestParameters, responseElements });

// IAM Identity Center creating the SAML provider of an account it serves (as CloudTrail records it).
const identityCenter = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLESSOSLR001:AWS-SSO',
  arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/AWSServiceRoleForSSO/AWS-SSO`,
  accountId: EXAMPLE_ACCOUNT,
  invokedBy: 'sso.amazonaws.com',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLESSOSLR001',
      arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`,
      accountId: EXAMPLE_ACCOUNT,
      userName: 'AWSServiceRoleForSSO',
    },
    attributes: { creationDate: '2026-11-20T10:15:00Z', mfaAuthenticated: 'false' },
  },
};

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a SAML provider is created',
      record: iam('CreateSAMLProvider', { name: 'CorpIdP', sAMLMetadataDocument: metadata }, { sAMLProviderArn: samlArn }),
      expect: { severity: 'medium', resource: samlArn },
    },
    {
      name: 'a SAML provider is created, its response not recorded',
      record: iam('CreateSAMLProvider', { name: 'CorpIdP', sAMLMetadataDocument: metadata }),
      expect: { resource: samlArn },
    },
    {
      name: "a SAML provider's metadata is replaced",
      record: iam('UpdateSAMLProvider', { sAMLProviderArn: samlArn, sAMLMetadataDocument: metadata }, { sAMLProviderArn: samlArn }),
      expect: { severity: 'high', resource: samlArn },
    },
    {
      name: "a SAML provider's assertion encryption is changed",
      record: iam('UpdateSAMLProvider', { sAMLProviderArn: samlArn, assertionEncryptionMode: 'Allowed' }, { sAMLProviderArn: samlArn }),
      expect: { severity: 'medium', resource: samlArn },
    },
    {
      name: 'the GitHub Actions OIDC provider is created',
      record: iam(
        'CreateOpenIDConnectProvider',
        {
          url: 'https://token.actions.githubusercontent.com',
          clientIDList: ['sts.amazonaws.com'],
          thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
        },
        { openIDConnectProviderArn: githubArn },
      ),
      expect: { severity: 'medium', resource: githubArn },
    },
    {
      name: 'an OIDC provider is created, its response not recorded (ARN rebuilt from the URL)',
      record: iam('CreateOpenIDConnectProvider', { url: 'https://token.actions.githubusercontent.com/', clientIDList: ['sts.amazonaws.com'] }),
      expect: { resource: githubArn },
    },
    {
      name: "an OIDC provider's thumbprints are replaced",
      record: iam('UpdateOpenIDConnectProviderThumbprint', {
        openIDConnectProviderArn: githubArn,
        thumbprintList: ['0123456789abcdef0123456789abcdef01234567'],
      }),
      expect: { severity: 'medium', resource: githubArn },
    },
    {
      name: 'an audience is added to an OIDC provider',
      record: iam('AddClientIDToOpenIDConnectProvider', { openIDConnectProviderArn: githubArn, clientID: 'my-other-app' }),
      expect: { severity: 'medium', resource: githubArn },
    },
  ],
  negative: [
    {
      name: 'IAM Identity Center creates the SAML provider it manages',
      record: iam(
        'CreateSAMLProvider',
        { name: 'AWSSSO_0123456789abcdef_DO_NOT_DELETE', sAMLMetadataDocument: metadata },
        { sAMLProviderArn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` },
        identityCenter,
      ),
    },
    {
      name: 'an audience is removed (narrower trust)',
      record: iam('RemoveClientIDFromOpenIDConnectProvider', { openIDConnectProviderArn: githubArn, clientID: 'my-other-app' }),
    },
    { name: 'a provider is read', record: iam('GetSAMLProvider', { sAMLProviderArn: samlArn }) },
    { name: 'no provider named', record: iam('UpdateSAMLProvider', { sAMLMetadataDocument: metadata }) },
    { name: 'a provider is deleted', record: iam('DeleteSAMLProvider', { sAMLProviderArn: samlArn }) },
  ],
  resolving: [
    { name: 'the SAML provider is deleted', record: iam('DeleteSAMLProvider', { sAMLProviderArn: samlArn }), removes: [{ resource: samlArn }] },
    {
      name: 'the OIDC provider is deleted',
      record: iam('DeleteOpenIDConnectProvider', { openIDConnectProviderArn: githubArn }),
      removes: [{ resource: githubArn }],
    },
  ],
};
