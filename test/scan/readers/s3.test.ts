// The S3 state reader against moto over HTTP: buckets seeded with known risks and look-alikes are
// scanned, the exact findings asserted (with the finding id each event would give), then risks are
// removed, the account rescanned, and what is gone is resolved while what cannot be judged stays.
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../shared/cloudtrail/record.js';
import { ONLY_OWN_ACCOUNT } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { s3Reader } from '../../../shared/scan/readers/s3.js';
import { recordScan } from '../../../shared/scan/record.js';
import { detected as storedDetection, evaluation } from '../../support/findings-factory.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { useMoto } from '../../support/moto.js';
import { aSecondLater, findingIdsOfEvents, findingIdsOfScan, foundIn, loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const s3 = motoClients(moto, (config) => new S3Client({ ...config, forcePathStyle: true }));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const context = { boundary: ONLY_OWN_ACCOUNT };
const bucketArn = (name: string) => `arn:aws:s3:::${name}`;
const ACCOUNT_SETTING = `arn:aws:s3::${ACCOUNT}:account-public-access-block`;
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucketArn(bucket)}/*` }],
  });
const accountOnly = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: `${bucketArn(bucket)}/*` }],
  });
const ALL_USERS = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"';
const LOG_DELIVERY = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';
/** Server access logs go to a bucket of the same region (S3 refuses another). */
const LOGS: Readonly<Record<string, string>> = { 'us-east-1': 'warden-logs', 'eu-west-1': 'warden-logs-eu' };

const log = memoryLogger();

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, s3Reader, { context, forcePathStyle: true, logger: log.logger });
}

function found(report: ScanReport): string[] {
  return foundIn(report);
}

/**
 * A bucket with nothing to report unless `changes` says otherwise: all four Block Public Access settings
 * on, versioning on, a KMS default key, logs to the log bucket.
 */
async function bucket(
  name: string,
  changes: {
    region?: string;
    exists?: boolean;
    block?: PublicAccessBlockConfiguration | 'none';
    policy?: string;
    publicAcl?: boolean;
    versioning?: 'Suspended' | 'none';
    encryption?: 'AES256' | 'none';
    logging?: 'none';
  } = {},
): Promise<void> {
  const region = changes.region ?? 'us-east-1';
  if (changes.exists !== true)
    await s3().send(
      new CreateBucketCommand({ Bucket: name, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }) }),
    );
  if (changes.block !== 'none') await s3().send(new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: changes.block ?? ALL_ON }));
  if (changes.policy !== undefined) await s3().send(new PutBucketPolicyCommand({ Bucket: name, Policy: changes.policy }));
  // Grant by grant: moto reads the canned public-read-write as read only.
  if (changes.publicAcl === true) await s3().send(new PutBucketAclCommand({ Bucket: name, GrantRead: ALL_USERS, GrantWrite: ALL_USERS }));
  if (changes.versioning !== 'none')
    await s3().send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: changes.versioning ?? 'Enabled' } }));
  if (changes.encryption !== 'none') {
    const byDefault =
      changes.encryption === 'AES256' ? { SSEAlgorithm: 'AES256' as const } : { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: 'alias/data' };
    await s3().send(
      new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: byDefault }] } }),
    );
  }
  if (changes.logging !== 'none') await logTo(name, region);
}

/** A bucket with nothing else to report, and these lifecycle rules. */
async function lifecycle(name: string, rules: LifecycleRule[]): Promise<void> {
  await bucket(name);
  await s3().send(new PutBucketLifecycleConfigurationCommand({ Bucket: name, LifecycleConfiguration: { Rules: rules } }));
}

const logTo = (name: string, region = 'us-east-1') =>
  s3().send(new PutBucketLoggingCommand({ Bucket: name, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: LOGS[region], TargetPrefix: `${name}/` } } }));

beforeAll(async () => {
  // The log buckets first (each logs to itself too); their ACL grants the log delivery group, which is not public.
  for (const [region, name] of Object.entries(LOGS)) {
    await s3().send(
      new CreateBucketCommand({ Bucket: name, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }) }),
    );
    await s3().send(new PutBucketAclCommand({ Bucket: name, GrantWrite: LOG_DELIVERY, GrantReadACP: LOG_DELIVERY }));
    await bucket(name, { region, exists: true });
  }
  // The account leaves three of four settings off.
  const control = new S3ControlClient({ region: 'us-east-1', credentials: moto.credentials, endpointProvider: () => ({ url: new URL(moto.endpoint) }) });
  await control.send(new PutAccountPublicAccessBlockCommand({ AccountId: ACCOUNT, PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
  control.destroy();
  // Risks.
  await bucket('warden-public-policy', { block: 'none', policy: publicRead('warden-public-policy') });
  await bucket('warden-public-acl', { block: ALL_OFF, publicAcl: true });
  await bucket('warden-eu-public', { region: 'eu-west-1', block: { ...ALL_ON, RestrictPublicBuckets: false }, policy: publicRead('warden-eu-public') });
  await bucket('warden-suspended', { versioning: 'Suspended' });
  await bucket('warden-unencrypted', { encryption: 'none' });
  await bucket('warden-unlogged', { logging: 'none' });
  // Look-alikes: a public policy and ACL that Block Public Access neutralises, a policy for the account
  // only, never-versioned, and S3 managed keys (which the state cannot judge).
  await bucket('warden-neutralised', { block: { ...ALL_OFF, IgnorePublicAcls: true, RestrictPublicBuckets: true }, policy: publicRead('warden-neutralised') });
  await s3().send(new PutBucketAclCommand({ Bucket: 'warden-neutralised', ACL: 'public-read' }));
  await bucket('warden-private', { policy: accountOnly('warden-private') });
  await bucket('warden-never-versioned', { versioning: 'none' });
  await bucket('warden-sse-s3', { encryption: 'AES256' });
  // Lifecycle: objects under logs/ expire after a day, a project's on a date now past (risks); objects
  // archived and expired after 400 days beside a disabled one-day rule (look-alike).
  await lifecycle('warden-quick-expiry', [{ ID: 'wipe-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 1 } }]);
  await lifecycle('warden-project-ended', [
    { ID: 'end-of-project', Status: 'Enabled', Filter: { Prefix: 'project-x/' }, Expiration: { Date: new Date('2020-01-01T00:00:00Z') } },
  ]);
  await lifecycle('warden-archive', [
    { ID: 'archive', Status: 'Enabled', Filter: { Prefix: '' }, Transitions: [{ Days: 90, StorageClass: 'GLACIER' }], Expiration: { Days: 400 } },
    { ID: 'paused-wipe', Status: 'Disabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
  ]);
}, 60_000);

describe('the S3 state reader', () => {
  it('finds exactly the seeded risks, in the bucket region, and none of the look-alikes', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(found(report)).toEqual(
      [
        `s3-account-block-public-access-removed ${ACCOUNT_SETTING} - high us-east-1`,
        `s3-block-public-access-removed ${bucketArn('warden-public-policy')} public-access-block medium us-east-1`,
        `s3-block-public-access-removed ${bucketArn('warden-public-acl')} public-access-block medium us-east-1`,
        `s3-block-public-access-removed ${bucketArn('warden-eu-public')} public-access-block medium eu-west-1`,
        `s3-block-public-access-removed ${bucketArn('warden-neutralised')} public-access-block medium us-east-1`,
        `s3-bucket-public ${bucketArn('warden-public-policy')} policy high us-east-1`,
        `s3-bucket-public ${bucketArn('warden-public-acl')} acl critical us-east-1`,
        `s3-bucket-public ${bucketArn('warden-eu-public')} policy high eu-west-1`,
        `s3-bucket-versioning-suspended ${bucketArn('warden-suspended')} versioning medium us-east-1`,
        `s3-bucket-encryption-deleted ${bucketArn('warden-unencrypted')} - medium us-east-1`,
        `s3-bucket-logging-disabled ${bucketArn('warden-unlogged')} - medium us-east-1`,
        `s3-bucket-lifecycle-quick-expiry ${bucketArn('warden-quick-expiry')} - high us-east-1`,
        `s3-bucket-lifecycle-quick-expiry ${bucketArn('warden-project-ended')} - high us-east-1`,
      ].sort(),
    );
    expect(report.unread).toEqual([
      {
        resource: bucketArn('warden-sse-s3'),
        ruleIds: ['s3-bucket-encryption-deleted'],
        reason: 'S3 managed keys: a chosen key that was removed leaves the same state',
        reader: 's3',
        region: 'us-east-1',
      },
    ]);
    expect(report.coverage).toEqual([
      { reader: 's3', ruleIds: s3Reader.ruleIds.filter((id) => id !== 's3-bucket-encryption-deleted'), region: undefined, exceptResources: [] },
      { reader: 's3', ruleIds: ['s3-bucket-encryption-deleted'], region: undefined, exceptResources: [bucketArn('warden-sse-s3')] },
    ]);
    expect(report.counts).toEqual({ buckets: 15 });
  });

  it('gives each risk the finding id of the event that would have made it', async () => {
    const report = await scan();
    const events: CloudTrailRecord[] = [
      event('PutAccountPublicAccessBlock', { PublicAccessBlockConfiguration: { BlockPublicAcls: true } }),
      event('DeleteBucketPublicAccessBlock', { bucketName: 'warden-public-policy' }),
      event('PutBucketPolicy', { bucketName: 'warden-public-policy', bucketPolicy: JSON.parse(publicRead('warden-public-policy')) }),
      event('PutBucketAcl', { bucketName: 'warden-public-acl', 'x-amz-acl': ['public-read-write'] }),
      event('PutBucketPolicy', { bucketName: 'warden-eu-public', bucketPolicy: JSON.parse(publicRead('warden-eu-public')) }, 'eu-west-1'),
      event('PutBucketVersioning', { bucketName: 'warden-suspended', VersioningConfiguration: { Status: 'Suspended' } }),
      event('DeleteBucketEncryption', { bucketName: 'warden-unencrypted' }),
      event('PutBucketLogging', { bucketName: 'warden-unlogged', BucketLoggingStatus: {} }),
      // As CloudTrail logs the XML body: one Rule as an object, numbers as strings.
      event('PutBucketLifecycle', {
        bucketName: 'warden-quick-expiry',
        lifecycle: '',
        LifecycleConfiguration: {
          Rule: { ID: 'wipe-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: '1' } },
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        },
      }),
      event('PutBucketLifecycle', {
        bucketName: 'warden-project-ended',
        lifecycle: '',
        LifecycleConfiguration: {
          Rule: [{ ID: 'end-of-project', Status: 'Enabled', Filter: { Prefix: 'project-x/' }, Expiration: { Date: '2020-01-01T00:00:00.000Z' } }],
        },
      }),
    ];

    const fromEvents = findingIdsOfEvents(events, context);

    expect(fromEvents).toHaveLength(10);
    expect(findingIdsOfScan(report)).toEqual(expect.arrayContaining(fromEvents));
  });

  it('says in each finding that a scan found it, with the rule own evidence', async () => {
    const report = await scan();
    const publicAcl = report.detected.find((item) => item.ruleId === 's3-bucket-public' && item.scope === 'acl');

    expect(publicAcl).toMatchObject({ eventName: 'Scan', actorType: 'Scan', details: { bucket: 'warden-public-acl', access: 'write' } });
    expect(publicAcl?.summary).toMatch(
      /^Someone set an ACL on warden-public-acl granting READ to AllUsers, WRITE to AllUsers, so anyone can write to it\. \(Found by a scan/,
    );
  });

  it('resolves what is gone on the next scan, and leaves what it cannot judge', async () => {
    const sseS3 = storedDetection({ ruleId: 's3-bucket-encryption-deleted', resource: bucketArn('warden-sse-s3'), scope: undefined });
    const gone = storedDetection({ ruleId: 's3-bucket-public', resource: bucketArn('warden-deleted'), scope: 'policy' });
    await opened.store.apply(evaluation({ detected: [sseS3, gone] }));
    const first = await recordScan(opened.store, await scan());
    expect(first.written.filter((change) => change.outcome === 'opened')).toHaveLength(13);
    expect(first.resolved.map((change) => change.findingId)).toEqual([gone.findingId]);

    await s3().send(new DeleteBucketPolicyCommand({ Bucket: 'warden-public-policy' }));
    await s3().send(new PutPublicAccessBlockCommand({ Bucket: 'warden-public-acl', PublicAccessBlockConfiguration: { ...ALL_OFF, IgnorePublicAcls: true } }));
    await s3().send(new PutBucketVersioningCommand({ Bucket: 'warden-suspended', VersioningConfiguration: { Status: 'Enabled' } }));
    await logTo('warden-unlogged');
    await s3().send(new DeleteBucketLifecycleCommand({ Bucket: 'warden-quick-expiry' }));
    await aSecondLater();
    const report = await scan();
    const second = await recordScan(opened.store, report);

    const resolved = second.resolved.map((change) => `${change.finding?.ruleId} ${change.finding?.resource} ${change.finding?.scope ?? '-'}`).sort();
    expect(resolved).toEqual(
      [
        `s3-bucket-public ${bucketArn('warden-public-policy')} policy`,
        `s3-bucket-public ${bucketArn('warden-public-acl')} acl`,
        `s3-bucket-versioning-suspended ${bucketArn('warden-suspended')} versioning`,
        `s3-bucket-logging-disabled ${bucketArn('warden-unlogged')} -`,
        `s3-bucket-lifecycle-quick-expiry ${bucketArn('warden-quick-expiry')} -`,
      ].sort(),
    );
    expect(second.resolved[0]?.finding?.history.at(-1)).toMatchObject({ status: 'resolved', reason: `no longer present at ${report.startedAt}` });
    expect(await opened.store.get(sseS3.findingId)).toMatchObject({ status: 'open' });
  });
});

/** A successful s3 call as CloudTrail logs it. */
function event(eventName: string, requestParameters: Record<string, unknown>, region = 'us-east-1'): CloudTrailRecord {
  return loggedCall('s3.amazonaws.com', eventName, requestParameters, { region });
}
