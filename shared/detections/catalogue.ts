import { accessAnalyzerDeleted } from './accessanalyzer/access-analyzer-deleted.js';
import { backupVaultExposed } from './backup/backup-vault-exposed.js';
import { cloudtrailLoggingStopped } from './cloudtrail/cloudtrail-logging-stopped.js';
import { cloudtrailTrailWeakened } from './cloudtrail/cloudtrail-trail-weakened.js';
import { configRecordingStopped } from './config/config-recording-stopped.js';
import type { Detection } from './detection.js';
import { amiPublic } from './ec2/ami-public.js';
import { amiSharedOutside } from './ec2/ami-shared-outside.js';
import { ebsSnapshotPublic } from './ec2/ebs-snapshot-public.js';
import { ebsSnapshotSharedOutside } from './ec2/ebs-snapshot-shared-outside.js';
import { ec2SecurityGroupOpenToInternet } from './ec2/ec2-security-group-open-to-internet.js';
import { vpcFlowLogsDeleted } from './ec2/vpc-flow-logs-deleted.js';
import { ecrRepositoryExposed } from './ecr/ecr-repository-exposed.js';
import { efsFileSystemExposed } from './efs/efs-file-system-exposed.js';
import { eventbridgeEventBusExposed } from './events/eventbridge-event-bus-exposed.js';
import { guarddutyDisabled } from './guardduty/guardduty-disabled.js';
import { credentialsCreatedForAnotherUser } from './iam/credentials-created-for-another-user.js';
import { iamIdentityProviderChanged } from './iam/iam-identity-provider-changed.js';
import { iamPasswordPolicyWeakened } from './iam/iam-password-policy-weakened.js';
import { iamPolicyAttachedToUser } from './iam/iam-policy-attached-to-user.js';
import { iamRoleTrustOutside } from './iam/iam-role-trust-outside.js';
import { iamRoleTrustPublic } from './iam/iam-role-trust-public.js';
import { iamUserCompromisedKeyQuarantine } from './iam/iam-user-compromised-key-quarantine.js';
import { iamUserConsoleLoginWithoutMfa } from './iam/iam-user-console-login-without-mfa.js';
import { iamWildcardGrant } from './iam/iam-wildcard-grant.js';
import { mfaDeactivated } from './iam/mfa-deactivated.js';
import { rootAccessKeyCreated } from './iam/root-access-key-created.js';
import { rootConsoleLoginWithoutMfa } from './iam/root-console-login-without-mfa.js';
import { kmsKeyDisabledOrScheduledForDeletion } from './kms/kms-key-disabled-or-scheduled-for-deletion.js';
import { kmsKeyExposed } from './kms/kms-key-exposed.js';
import { lambdaFunctionExposed } from './lambda/lambda-function-exposed.js';
import { cloudtrailLogGroupDeleted } from './logs/cloudtrail-log-group-deleted.js';
import { organizationsLeaveAttempted } from './organizations/organizations-leave-attempted.js';
import { rdsInstancePublic } from './rds/rds-instance-public.js';
import { rdsSnapshotPublic } from './rds/rds-snapshot-public.js';
import { rdsSnapshotSharedOutside } from './rds/rds-snapshot-shared-outside.js';
import { rolesanywhereTrustChanged } from './rolesanywhere/rolesanywhere-trust-changed.js';
import { route53ResolverQueryLoggingRemoved } from './route53resolver/route53-resolver-query-logging-removed.js';
import { s3AccountBlockPublicAccessRemoved } from './s3/s3-account-block-public-access-removed.js';
import { s3BlockPublicAccessRemoved } from './s3/s3-block-public-access-removed.js';
import { s3BucketEncryptionDeleted } from './s3/s3-bucket-encryption-deleted.js';
import { s3BucketLifecycleQuickExpiry } from './s3/s3-bucket-lifecycle-quick-expiry.js';
import { s3BucketLoggingDisabled } from './s3/s3-bucket-logging-disabled.js';
import { s3BucketPublic } from './s3/s3-bucket-public.js';
import { s3BucketVersioningSuspended } from './s3/s3-bucket-versioning-suspended.js';
import { secretsmanagerSecretExposed } from './secretsmanager/secretsmanager-secret-exposed.js';
import { securityhubDisabled } from './securityhub/securityhub-disabled.js';
import { rootPasswordChanged } from './signin/root-password-changed.js';
import { snsTopicExposed } from './sns/sns-topic-exposed.js';
import { sqsQueueExposed } from './sqs/sqs-queue-exposed.js';
import { stsFederationTokenCreated } from './sts/sts-federation-token-created.js';

/**
 * Every detection iam-warden runs, as an explicit list: a directory scan would break under a bundler
 * and could drop a rule silently. test/detections/catalogue.test.ts fails when a file is missing here.
 */
export const catalogue: readonly Detection[] = [
  iamWildcardGrant,
  iamRoleTrustPublic,
  iamRoleTrustOutside,
  mfaDeactivated,
  rootAccessKeyCreated,
  rootConsoleLoginWithoutMfa,
  rootPasswordChanged,
  iamPasswordPolicyWeakened,
  credentialsCreatedForAnotherUser,
  iamUserConsoleLoginWithoutMfa,
  iamUserCompromisedKeyQuarantine,
  iamPolicyAttachedToUser,
  iamIdentityProviderChanged,
  stsFederationTokenCreated,
  rolesanywhereTrustChanged,
  s3BucketPublic,
  s3BlockPublicAccessRemoved,
  s3AccountBlockPublicAccessRemoved,
  s3BucketVersioningSuspended,
  s3BucketEncryptionDeleted,
  s3BucketLoggingDisabled,
  s3BucketLifecycleQuickExpiry,
  ebsSnapshotPublic,
  ebsSnapshotSharedOutside,
  amiPublic,
  amiSharedOutside,
  rdsSnapshotPublic,
  rdsSnapshotSharedOutside,
  lambdaFunctionExposed,
  ec2SecurityGroupOpenToInternet,
  rdsInstancePublic,
  snsTopicExposed,
  sqsQueueExposed,
  kmsKeyExposed,
  secretsmanagerSecretExposed,
  ecrRepositoryExposed,
  efsFileSystemExposed,
  backupVaultExposed,
  eventbridgeEventBusExposed,
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
