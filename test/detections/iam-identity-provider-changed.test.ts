import { describe, expect, it } from 'vitest';
import { iamIdentityProviderChanged } from '../../shared/detections/iam/iam-identity-provider-changed.js';
import { matchesOf } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';

describe('iam-identity-provider-changed', () => {
  it('rebuilds an OIDC provider ARN from a URL with a path, as IAM names EKS providers', () => {
    const record = exampleEvent('iam.amazonaws.com', 'CreateOpenIDConnectProvider', {
      requestParameters: { url: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', clientIDList: ['sts.amazonaws.com'] },
    });

    const [match] = matchesOf(iamIdentityProviderChanged.evaluate(record, EXAMPLE_CONTEXT));

    expect(match?.resource).toBe('arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE');
  });

  it('says the metadata was replaced without keeping the document or a private key', () => {
    const record = exampleEvent('iam.amazonaws.com', 'UpdateSAMLProvider', {
      requestParameters: {
        sAMLProviderArn: 'arn:aws:iam::111122223333:saml-provider/CorpIdP',
        sAMLMetadataDocument: '<md:EntityDescriptor entityID="https://evil.example.com"/>',
        addPrivateKey: '-----BEGIN PRIVATE KEY-----EXAMPLE-----END PRIVATE KEY-----',
      },
      responseElements: { sAMLProviderArn: 'arn:aws:iam::111122223333:saml-provider/CorpIdP' },
    });

    const [match] = matchesOf(iamIdentityProviderChanged.evaluate(record, EXAMPLE_CONTEXT));

    expect(match?.summary).toBe(
      'arn:aws:iam::111122223333:user/alice replaced the metadata (signing certificate) of the SAML identity provider arn:aws:iam::111122223333:saml-provider/CorpIdP; whoever controls it can sign in as the roles that trust it.',
    );
    expect(JSON.stringify(match?.details)).not.toMatch(/EntityDescriptor|PRIVATE KEY/);
  });
});
