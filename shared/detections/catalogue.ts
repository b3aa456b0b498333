import { cloudtrailLoggingStopped } from './cloudtrail/cloudtrail-logging-stopped.js';
import type { Detection } from './detection.js';
import { ebsSnapshotPublic } from './ec2/ebs-snapshot-public.js';
import { credentialsCreatedForAnotherUser } from './iam/credentials-created-for-another-user.js';
import { iamRoleTrustPublic } from './iam/iam-role-trust-public.js';
import { iamWildcardGrant } from './iam/iam-wildcard-grant.js';
import { mfaDeactivated } from './iam/mfa-deactivated.js';
import { rootAccessKeyCreated } from './iam/root-access-key-created.js';
import { rootConsoleLoginWithoutMfa } from './iam/root-console-login-without-mfa.js';
import { rdsSnapshotPublic } from './rds/rds-snapshot-public.js';
import { s3BlockPublicAccessRemoved } from './s3/s3-block-public-access-removed.js';
import { s3BucketPublic } from './s3/s3-bucket-public.js';

/**
 * Every detection iam-warden runs, as an explicit list: a directory scan would break under a bundler
 * and could drop a rule silently. test/detections/catalogue.test.ts fails when a file is missing here.
 */
export const catalogue: readonly Detection[] = [
  iamWildcardGrant,
  iamRoleTrustPublic,
  mfaDeactivated,
  rootAccessKeyCreated,
  rootConsoleLoginWithoutMfa,
  credentialsCreatedForAnotherUser,
  s3BucketPublic,
  s3BlockPublicAccessRemoved,
  ebsSnapshotPublic,
  rdsSnapshotPublic,
  cloudtrailLoggingStopped,
];
