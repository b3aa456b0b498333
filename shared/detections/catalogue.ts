import { accessAnalyzerDeleted } from './accessanalyzer/access-analyzer-deleted.js';
import { cloudtrailLoggingStopped } from './cloudtrail/cloudtrail-logging-stopped.js';
import { cloudtrailTrailWeakened } from './cloudtrail/cloudtrail-trail-weakened.js';
import { configRecordingStopped } from './config/config-recording-stopped.js';
import type { Detection } from './detection.js';
import { ebsSnapshotPublic } from './ec2/ebs-snapshot-public.js';
import { vpcFlowLogsDeleted } from './ec2/vpc-flow-logs-deleted.js';
import { guarddutyDisabled } from './guardduty/guardduty-disabled.js';
import { credentialsCreatedForAnotherUser } from './iam/credentials-created-for-another-user.js';
import { iamPasswordPolicyWeakened } from './iam/iam-password-policy-weakened.js';
import { iamRoleTrustPublic } from './iam/iam-role-trust-public.js';
import { iamWildcardGrant } from './iam/iam-wildcard-grant.js';
import { mfaDeactivated } from './iam/mfa-deactivated.js';
import { rootAccessKeyCreated } from './iam/root-access-key-created.js';
import { rootConsoleLoginWithoutMfa } from './iam/root-console-login-without-mfa.js';
import { kmsKeyDisabledOrScheduledForDeletion } from './kms/kms-key-disabled-or-scheduled-for-deletion.js';
import { cloudtrailLogGroupDeleted } from './logs/cloudtrail-log-group-deleted.js';
import { organizationsLeaveAttempted } from './organizations/organizations-leave-attempted.js';
import { rdsSnapshotPublic } from './rds/rds-snapshot-public.js';
import { route53ResolverQueryLoggingRemoved } from './route53resolver/route53-resolver-query-logging-removed.js';
import { s3BlockPublicAccessRemoved } from './s3/s3-block-public-access-removed.js';
import { s3BucketPublic } from './s3/s3-bucket-public.js';
import { securityhubDisabled } from './securityhub/securityhub-disabled.js';
import { rootPasswordChanged } from './signin/root-password-changed.js';

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
  rootPasswordChanged,
  iamPasswordPolicyWeakened,
  credentialsCreatedForAnotherUser,
  s3BucketPublic,
  s3BlockPublicAccessRemoved,
  ebsSnapshotPublic,
  rdsSnapshotPublic,
  cloudtrailLoggingStopped,
  cloudtrailTrailWeakened,
  cloudtrailLogGroupDeleted,
  vpcFlowLogsDeleted,
  route53ResolverQueryLoggingRemoved,
  kmsKeyDisabledOrScheduledForDeletion,
  guarddutyDisabled,
  securityhubDisabled,
  accessAnalyzerDeleted,
  configRecordingStopped,
  organizationsLeaveAttempted,
];
