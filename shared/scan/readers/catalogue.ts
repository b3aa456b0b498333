import type { StateReader } from '../reader.js';
import { backupReader } from './backup.js';
import { cloudTrailReader } from './cloudtrail.js';
import { configReader } from './config.js';
import { ec2Reader } from './ec2.js';
import { ecrReader } from './ecr.js';
import { efsReader } from './efs.js';
import { eventBridgeReader } from './eventbridge.js';
import { guarddutyReader } from './guardduty.js';
import { iamReader } from './iam.js';
import { kmsReader } from './kms.js';
import { lambdaReader } from './lambda.js';
import { rdsReader } from './rds.js';
import { s3Reader } from './s3.js';
import { secretsManagerReader } from './secretsmanager.js';
import { securityhubReader } from './securityhub.js';
import { snsReader } from './sns.js';
import { sqsReader } from './sqs.js';
import { vpcReader } from './vpc.js';

/** Every state reader, explicitly (a test fails while a file in readers/ is not listed). */
export const READERS: readonly StateReader[] = [
  iamReader,
  s3Reader,
  ec2Reader,
  rdsReader,
  cloudTrailReader,
  kmsReader,
  secretsManagerReader,
  ecrReader,
  efsReader,
  backupReader,
  snsReader,
  sqsReader,
  eventBridgeReader,
  lambdaReader,
  guarddutyReader,
  securityhubReader,
  configReader,
  vpcReader,
];

/**
 * Rules whose risk is an act rather than a state, so no scan can see it, and why (the rules table
 * says so). A rule neither read by a reader nor listed here has a state no reader reads yet.
 */
export const NO_STATE_EQUIVALENT: Readonly<Record<string, string>> = {
  'root-access-key-created': "the creation is an act; the key audit's root-access-key-exists reports a root key that exists",
  'root-console-login-without-mfa': 'a sign-in',
  'iam-user-console-login-without-mfa': "a sign-in; the key audit's console-user-without-mfa reports users with a password and no MFA",
  'root-password-changed': 'an act',
  'credentials-created-for-another-user': 'who created a key or password is not part of the state',
  'mfa-deactivated': "an act; the key audit's console-user-without-mfa and root-mfa-disabled report its result",
  'sts-federation-token-created': 'a token is not a resource that can be listed',
  'iam-identity-provider-changed': 'a change to review: a provider that exists is not a risk in itself',
  'rolesanywhere-trust-changed': 'a change to review: a trust anchor that exists is not a risk in itself',
  'organizations-leave-attempted': 'an attempt',
  'access-analyzer-deleted': 'a deletion leaves nothing to read',
  'vpc-flow-logs-deleted': 'a deletion leaves nothing to read',
  'cloudtrail-log-group-deleted': 'a deletion leaves nothing to read',
  'route53-resolver-query-logging-removed': 'a deletion leaves nothing to read',
};

/** How the rules table says whether `warden scan` finds a rule's risks: the reader, or why not. */
export function scanCoverageOf(ruleId: string): string {
  const readers = READERS.filter((reader) => reader.ruleIds.includes(ruleId)).map((reader) => `\`${reader.id}\``);
  if (readers.length > 0) return readers.join(', ');
  const why = NO_STATE_EQUIVALENT[ruleId];
  return why === undefined ? 'not yet' : `no: ${why}`;
}
