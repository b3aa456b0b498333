import type { DetectionExamples } from '../detection.js';
import { EXAMPLE_ACCOUNT, exampleEvent } from '../example-events.js';

const anchorId = '4d07f6a0-1c50-44d3-951b-b68b783daa0a';
const profileId = '910042eb-8463-427d-8095-6fd60ac303d9';
const anchorArn = `arn:aws:rolesanywhere:eu-west-1:${EXAMPLE_ACCOUNT}:trust-anchor/${anchorId}`;
const profileArn = `arn:aws:rolesanywhere:eu-west-1:${EXAMPLE_ACCOUNT}:profile/${profileId}`;
const roleArn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/on-prem-backup`;
const certificate = '-----BEGIN CERTIFICATE-----\nMIIE3zCCAsegAwIBAgIJAOZLUn/n7YvYMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNV\n-----END CERTIFICATE-----';
const bundle = { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: certificate } };

// Shaped like the records of Stratus Red Team's aws.persistence.rolesanywhere-create-trust-anchor.
const anchor = (enabled: boolean, source: object = bundle) => ({
  trustAnchor: {
    createdAt: '2026-11-20T10:15:30.482702201Z',
    enabled,
    name: 'partner-ca',
    source,
    trustAnchorArn: anchorArn,
    trustAnchorId: anchorId,
    updatedAt: '2026-11-20T10:15:30.482702201Z',
  },
});
const profile = (enabled: boolean) => ({
  profile: {
    acceptRoleSessionName: false,
    createdAt: '2026-11-20T10:15:30.832628281Z',
    createdBy: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice`,
    durationSeconds: 3600,
    enabled,
    name: 'backup-profile',
    profileArn,
    profileId,
    roleArns: [roleArn],
    updatedAt: '2026-11-20T10:15:30.832628281Z',
  },
});
const rolesanywhere = (eventName: string, requestParameters: object, responseElements: object | null) =>
  exampleEvent('rolesanywhere.amazonaws.com', eventName, { requestParameters, responseElements });

export const examples: DetectionExamples = {
  positive: [
    {
      name: 'a trust anchor is created from an uploaded CA certificate',
      record: rolesanywhere(
        'CreateTrustAnchor',
        { enabled: true, name: 'partner-ca', source: bundle, tags: [{ key: 'HIDDEN_DUE_TO_SECURITY_REASONS', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] },
        anchor(true),
      ),
      expect: { severity: 'high', resource: anchorArn },
    },
    {
      name: "a trust anchor's CA is replaced by a private CA",
      record: rolesanywhere(
        'UpdateTrustAnchor',
        {
          trustAnchorId: anchorId,
          source: { sourceType: 'AWS_ACM_PCA', sourceData: { acmPcaArn: `arn:aws:acm-pca:eu-west-1:999988887777:certificate-authority/0a1b2c3d` } },
        },
        anchor(true, { sourceType: 'AWS_ACM_PCA', sourceData: { acmPcaArn: `arn:aws:acm-pca:eu-west-1:999988887777:certificate-authority/0a1b2c3d` } }),
      ),
      expect: { severity: 'high', resource: anchorArn },
    },
    {
      name: 'a disabled trust anchor is enabled',
      record: rolesanywhere('EnableTrustAnchor', { trustAnchorId: anchorId }, anchor(true)),
      expect: { severity: 'high', resource: anchorArn },
    },
    {
      name: 'a trust anchor is enabled, its response not recorded (ARN rebuilt from the id)',
      record: rolesanywhere('EnableTrustAnchor', { trustAnchorId: anchorId }, null),
      expect: { resource: anchorArn },
    },
    {
      name: 'a profile is created for a role',
      record: rolesanywhere('CreateProfile', { durationSeconds: 3600, enabled: true, name: 'backup-profile', roleArns: [roleArn] }, profile(true)),
      expect: { severity: 'medium', resource: profileArn },
    },
    {
      name: "a profile's roles are changed",
      record: rolesanywhere('UpdateProfile', { profileId, roleArns: [roleArn] }, profile(true)),
      expect: { severity: 'medium', resource: profileArn },
    },
    { name: 'a disabled profile is enabled', record: rolesanywhere('EnableProfile', { profileId }, profile(true)), expect: { resource: profileArn } },
  ],
  negative: [
    {
      name: 'a trust anchor created disabled',
      record: rolesanywhere('CreateTrustAnchor', { enabled: false, name: 'partner-ca', source: bundle }, anchor(false)),
    },
    { name: 'a trust anchor renamed only', record: rolesanywhere('UpdateTrustAnchor', { trustAnchorId: anchorId, name: 'partner-ca-2024' }, anchor(true)) },
    { name: 'a disabled trust anchor given a new CA', record: rolesanywhere('UpdateTrustAnchor', { trustAnchorId: anchorId, source: bundle }, anchor(false)) },
    { name: "a profile's session duration changed", record: rolesanywhere('UpdateProfile', { profileId, durationSeconds: 900 }, profile(true)) },
    { name: 'a trust anchor disabled', record: rolesanywhere('DisableTrustAnchor', { trustAnchorId: anchorId }, anchor(false)) },
    { name: 'trust anchors listed', record: rolesanywhere('ListTrustAnchors', {}, null) },
    { name: 'no id and no response', record: rolesanywhere('EnableProfile', {}, null) },
  ],
  resolving: [
    {
      name: 'the trust anchor is disabled',
      record: rolesanywhere('DisableTrustAnchor', { trustAnchorId: anchorId }, anchor(false)),
      removes: [{ resource: anchorArn }],
    },
    {
      name: 'the trust anchor is deleted',
      record: rolesanywhere('DeleteTrustAnchor', { trustAnchorId: anchorId }, anchor(true)),
      removes: [{ resource: anchorArn }],
    },
    { name: 'the profile is disabled', record: rolesanywhere('DisableProfile', { profileId }, profile(false)), removes: [{ resource: profileArn }] },
    {
      name: 'the profile is deleted, its response not recorded',
      record: rolesanywhere('DeleteProfile', { profileId }, null),
      removes: [{ resource: profileArn }],
    },
  ],
};
