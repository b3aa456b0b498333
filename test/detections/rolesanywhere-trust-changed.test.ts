import { describe, expect, it } from 'vitest';
import { rolesanywhereTrustChanged } from '../../shared/detections/rolesanywhere/rolesanywhere-trust-changed.js';
import { matchesOf } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT, exampleEvent, exampleIdentities } from '../../shared/detections/example-events.js';

const certificate = '-----BEGIN CERTIFICATE-----\nMIIE3zCCAsegAwIBAgIJAOZLUn/n7YvYMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNV\n-----END CERTIFICATE-----';

describe('rolesanywhere-trust-changed', () => {
  it('keeps the kind of certificate authority, never the certificate', () => {
    const source = { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: certificate } };
    const record = exampleEvent('rolesanywhere.amazonaws.com', 'CreateTrustAnchor', {
      requestParameters: { enabled: true, name: 'partner-ca', source },
      responseElements: {
        trustAnchor: {
          trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/ta-1',
          trustAnchorId: 'ta-1',
          enabled: true,
          name: 'partner-ca',
          source,
        },
      },
    });

    const [match] = matchesOf(rolesanywhereTrustChanged.evaluate(record, EXAMPLE_CONTEXT));

    expect(match?.details).toMatchObject({ sourceType: 'CERTIFICATE_BUNDLE', name: 'partner-ca' });
    expect(JSON.stringify(match)).not.toContain('BEGIN CERTIFICATE');
  });

  it('stays silent when neither the response nor the request gives the id', () => {
    const record = exampleEvent('rolesanywhere.amazonaws.com', 'CreateTrustAnchor', {
      requestParameters: { enabled: true, name: 'partner-ca' },
      responseElements: null,
    });

    expect(matchesOf(rolesanywhereTrustChanged.evaluate(record, EXAMPLE_CONTEXT))).toEqual([]);
  });

  it('builds the ARN in the caller partition and the event region from the id in the request', () => {
    const govUser = { ...exampleIdentities.iamUser, arn: 'arn:aws-us-gov:iam::111122223333:user/alice' };
    const record = exampleEvent('rolesanywhere.amazonaws.com', 'EnableTrustAnchor', {
      userIdentity: govUser,
      awsRegion: 'us-gov-west-1',
      requestParameters: { trustAnchorId: 'ta-1' },
    });

    const [match] = matchesOf(rolesanywhereTrustChanged.evaluate(record, EXAMPLE_CONTEXT));

    expect(match?.resource).toBe('arn:aws-us-gov:rolesanywhere:us-gov-west-1:111122223333:trust-anchor/ta-1');
  });

  it('lists the roles a profile hands out in its summary', () => {
    const record = exampleEvent('rolesanywhere.amazonaws.com', 'CreateProfile', {
      requestParameters: { name: 'backup', roleArns: ['arn:aws:iam::111122223333:role/backup'], sessionPolicy: '{"Version":"2012-10-17","Statement":[]}' },
      responseElements: {
        profile: {
          profileArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/p-1',
          enabled: true,
          name: 'backup',
          roleArns: ['arn:aws:iam::111122223333:role/backup'],
          sessionPolicy: '{"Version":"2012-10-17","Statement":[]}',
        },
      },
    });

    const [match] = matchesOf(rolesanywhereTrustChanged.evaluate(record, EXAMPLE_CONTEXT));

    expect(match?.summary).toContain('IAM Roles Anywhere profile backup (roles arn:aws:iam::111122223333:role/backup)');
    expect(match?.details).toMatchObject({ sessionPolicy: true, roleArns: ['arn:aws:iam::111122223333:role/backup'] });
  });
});
