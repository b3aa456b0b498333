import { describe, expect, it } from 'vitest';
import { firstMatch } from './load-examples.js';
import { EXAMPLE_CONTEXT, exampleEvent, exampleIdentities } from '../../shared/detections/example-events.js';
import { s3BucketVersioningSuspended } from '../../shared/detections/s3/s3-bucket-versioning-suspended.js';

const putVersioning = (configuration: Record<string, unknown>, userIdentity: object = exampleIdentities.iamUser) =>
  exampleEvent('s3.amazonaws.com', 'PutBucketVersioning', {
    userIdentity,
    requestParameters: { bucketName: 'acme-backups', VersioningConfiguration: configuration },
  });

describe('s3-bucket-versioning-suspended', () => {
  it('says so when the root user suspends versioning and turns MFA delete off at once', () => {
    const match = firstMatch(s3BucketVersioningSuspended, putVersioning({ Status: 'Suspended', MfaDelete: 'Disabled' }, exampleIdentities.root));

    expect(match?.scope).toBe('versioning');
    expect(match?.summary).toContain('suspended versioning on bucket acme-backups and turned off MFA delete');
    expect(match?.details).toEqual({ bucket: 'acme-backups', status: 'Suspended', mfaDelete: 'Disabled' });
  });

  it('does not mention MFA delete when someone other than the root user sends "Disabled"', () => {
    const match = firstMatch(s3BucketVersioningSuspended, putVersioning({ Status: 'Suspended', MfaDelete: 'Disabled' }));

    expect(match?.details).toEqual({ bucket: 'acme-backups', status: 'Suspended' });
  });

  it('raises MFA delete off and resolves versioning from the same request', () => {
    const record = putVersioning({ Status: 'Enabled', MfaDelete: 'Disabled' }, exampleIdentities.root);

    const match = firstMatch(s3BucketVersioningSuspended, record);
    const removals = s3BucketVersioningSuspended.resolves?.(record, EXAMPLE_CONTEXT);

    expect(match?.scope).toBe('mfa-delete');
    expect(removals?.map((removal) => removal.scope)).toEqual(['versioning']);
  });

  it('reads the values case-insensitively', () => {
    const match = firstMatch(s3BucketVersioningSuspended, putVersioning({ Status: ' SUSPENDED ' }));

    expect(match?.scope).toBe('versioning');
  });
});
