import type { DetectionExamples } from '../detection.js';
import { exampleEvent, exampleIdentities } from '../example-events.js';

const BUCKET = 'acme-backups';
const ARN = `arn:aws:s3:::${BUCKET}`;

const s3 = (eventName: string, requestParameters: Record<string, unknown>, identity: object = exampleIdentities.assumedRole) =>
  exampleEvent('s3.amazonaws.com', eventName, {
    userIdentity: identity,
    userAgent: '[aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9 command/s3api]',
    requestParameters: { bucketName: BUCKET, Host: `${BUCKET}.s3.eu-west-1.amazonaws.com`, ...requestParameters },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader' },
  });

// CloudTrail records the request body: VersioningConfiguration {Status, MfaDelete} beside an empty "versioning" subresource marker.
const putVersioning = (configuration: Record<string, unknown>, identity?: object) =>
  s3('PutBucketVersioning', { versioning: [''], VersioningConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', ...configuration } }, identity);

const root = exampleIdentities.root;

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'versioning suspended',
      record: putVersioning({ Status: 'Suspended' }),
      expect: { severity: 'medium', resource: ARN, scope: 'versioning' },
    },
    {
      name: 'versioning suspended by the root user, MFA delete turned off with it',
      record: putVersioning({ Status: 'Suspended', MfaDelete: 'Disabled' }, root),
      expect: { severity: 'medium', resource: ARN, scope: 'versioning' },
    },
    {
      name: 'MFA delete turned off by the root user, versioning kept',
      record: putVersioning({ Status: 'Enabled', MfaDelete: 'Disabled' }, root),
      expect: { severity: 'medium', resource: ARN, scope: 'mfa-delete' },
    },
    {
      name: 'MFA delete turned off, spelled as the SDKs do',
      record: putVersioning({ Status: 'Enabled', MFADelete: 'Disabled' }, root),
      expect: { scope: 'mfa-delete' },
    },
  ],
  negative: [
    { name: 'versioning enabled', record: putVersioning({ Status: 'Enabled' }) },
    {
      name: '"MfaDelete: Disabled" sent by a role (only the root user can change MFA delete: nothing changed)',
      record: putVersioning({ Status: 'Enabled', MfaDelete: 'Disabled' }),
    },
    { name: 'MFA delete turned on', record: putVersioning({ Status: 'Enabled', MfaDelete: 'Enabled' }, root) },
    { name: 'a request without a versioning configuration', record: s3('PutBucketVersioning', { versioning: [''] }) },
  ],
  resolving: [
    { name: 'versioning enabled again', record: putVersioning({ Status: 'Enabled' }), removes: [{ resource: ARN, scope: 'versioning' }] },
    {
      name: 'versioning and MFA delete turned back on by the root user',
      record: putVersioning({ Status: 'Enabled', MfaDelete: 'Enabled' }, root),
      removes: [
        { resource: ARN, scope: 'versioning' },
        { resource: ARN, scope: 'mfa-delete' },
      ],
    },
    {
      name: 'bucket deleted',
      record: s3('DeleteBucket', {}),
      removes: [
        { resource: ARN, scope: 'versioning' },
        { resource: ARN, scope: 'mfa-delete' },
      ],
    },
  ],
};
