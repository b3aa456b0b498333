import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  S3Client,
  type Bucket,
  type Grant,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { analyseBucketPolicy } from '../../policy/bucket-policy.js';
import { mapBounded } from '../concurrency.js';
import { awsErrorCode } from '../read-resource.js';
import type { EquivalentChange, ReadTarget, ScanClientConfig, StateReader, StateSink } from '../reader.js';

const S3 = 's3.amazonaws.com';

const BUCKET_PUBLIC = 's3-bucket-public';
const BUCKET_BLOCK_REMOVED = 's3-block-public-access-removed';
const ACCOUNT_BLOCK_REMOVED = 's3-account-block-public-access-removed';
const VERSIONING_SUSPENDED = 's3-bucket-versioning-suspended';
const ENCRYPTION_DELETED = 's3-bucket-encryption-deleted';
const LOGGING_DISABLED = 's3-bucket-logging-disabled';
const LIFECYCLE_QUICK_EXPIRY = 's3-bucket-lifecycle-quick-expiry';

/** ListBuckets' largest page (S3 API reference); a page size also makes S3 return each bucket's region. */
const BUCKETS_PER_PAGE = 10_000;

/**
 * S3's state: the account's Block Public Access, then each bucket's policy, ACL, Block Public Access,
 * versioning, default encryption, server access logging and lifecycle, each as the call that would set it:
 *
 * - the account setting: PutAccountPublicAccessBlock, or DeleteAccountPublicAccessBlock when there is none;
 * - the bucket setting: PutBucketPublicAccessBlock, or DeleteBucketPublicAccessBlock when there is none;
 * - the policy: PutBucketPolicy, and the ACL: PutBucketAcl, unless Block Public Access (the bucket's
 *   or the account's) neutralises them: RestrictPublicBuckets a public policy, IgnorePublicAcls public
 *   grants. S3's own verdict (GetBucketPolicyStatus) is read too, and a disagreement is logged;
 * - versioning suspended: PutBucketVersioning; logging off: PutBucketLogging with an empty status;
 *   no default encryption at all: DeleteBucketEncryption; a lifecycle configuration: PutBucketLifecycle.
 *
 * What the state cannot tell is left unjudged (the bucket goes to `unread` for that rule, so the scan
 * neither raises nor resolves it): a bucket encrypted with S3 managed keys, which is what deleting a
 * chosen key's configuration leaves since January 2023; and MFA delete turned off, which only the
 * root user can do, so the state does not say whether it ever mattered.
 *
 * Global: buckets are listed once for the account (each request goes to the bucket's own region).
 */
export const s3Reader: StateReader = {
  id: 's3',
  reach: 'global',
  ruleIds: [BUCKET_PUBLIC, BUCKET_BLOCK_REMOVED, ACCOUNT_BLOCK_REMOVED, VERSIONING_SUSPENDED, ENCRYPTION_DELETED, LOGGING_DISABLED, LIFECYCLE_QUICK_EXPIRY],
  permissions: [
    's3:GetAccountPublicAccessBlock',
    's3:ListAllMyBuckets',
    's3:GetBucketLocation',
    's3:GetBucketPublicAccessBlock',
    's3:GetBucketPolicy',
    's3:GetBucketPolicyStatus',
    's3:GetBucketAcl',
    's3:GetBucketVersioning',
    's3:GetEncryptionConfiguration',
    's3:GetBucketLogging',
    's3:GetLifecycleConfiguration',
  ],

  async read(target, sink) {
    const clients = new RegionalClients(target.clientConfig);
    const control = accountControlClient(target.clientConfig);
    try {
      const account = await readAccountBlock(control, target);
      sink.observe(account === undefined ? change('DeleteAccountPublicAccessBlock', {}) : change('PutAccountPublicAccessBlock', blockParameters(account)));
      for await (const page of paginateListBuckets({ client: clients.home, pageSize: BUCKETS_PER_PAGE }, {})) {
        const buckets = (page.Buckets ?? []).filter((bucket): bucket is Bucket & { Name: string } => bucket.Name !== undefined);
        await mapBounded(buckets, target.concurrency, (bucket) => readBucket(bucket, account, clients, target, sink));
        sink.progress('buckets', buckets.length);
      }
    } finally {
      clients.destroy();
      control.destroy();
    }
  },
};

/** The four Block Public Access settings, each on or off (an absent one is off, as S3 reads it). */
interface BlockSettings {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

function blockSettings(configuration: PublicAccessBlockConfiguration | undefined): BlockSettings {
  return {
    BlockPublicAcls: configuration?.BlockPublicAcls === true,
    IgnorePublicAcls: configuration?.IgnorePublicAcls === true,
    BlockPublicPolicy: configuration?.BlockPublicPolicy === true,
    RestrictPublicBuckets: configuration?.RestrictPublicBuckets === true,
  };
}

function blockParameters(settings: BlockSettings): Record<string, unknown> {
  return { PublicAccessBlockConfiguration: { ...settings } };
}

/**
 * The account's Block Public Access, or undefined when it has none. Any other answer fails the whole
 * read: every bucket's exposure depends on it.
 */
async function readAccountBlock(control: S3ControlClient, target: ReadTarget): Promise<BlockSettings | undefined> {
  try {
    const { PublicAccessBlockConfiguration: configuration } = await control.send(new GetAccountPublicAccessBlockCommand({ AccountId: target.account }));
    return blockSettings(configuration);
  } catch (error) {
    if (awsErrorCode(error) === 'NoSuchPublicAccessBlockConfiguration') return undefined;
    throw error;
  }
}

/** What one GetBucket... call gave: the value, or the AWS error code that stopped it. */
type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };

/** Reads one setting; `absentCode` is the error S3 answers when the bucket simply has none (value undefined). */
async function readSetting<T>(call: () => Promise<T>, absentCode?: string): Promise<Read<T | undefined>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const code = awsErrorCode(error);
    return code === absentCode ? { ok: true, value: undefined } : { ok: false, code };
  }
}

/** One bucket being read: how to reach it, and where its states and the settings it could not read go. */
interface BucketRead {
  readonly name: string;
  readonly client: S3Client;
  readonly observe: (eventName: string, parameters: Record<string, unknown>) => void;
  readonly unread: (ruleIds: readonly string[], reason: string) => void;
  readonly logger: ReadTarget['logger'];
}

async function readBucket(
  bucket: Bucket & { Name: string },
  account: BlockSettings | undefined,
  clients: RegionalClients,
  target: ReadTarget,
  sink: StateSink,
): Promise<void> {
  const name = bucket.Name;
  const resource = `arn:${target.partition}:s3:::${name}`;
  const unread = (ruleIds: readonly string[], reason: string) => sink.unread({ resource, ruleIds, reason });
  const region = await regionOf(bucket, clients.home);
  if (!region.ok) {
    unread([BUCKET_PUBLIC, BUCKET_BLOCK_REMOVED, VERSIONING_SUSPENDED, ENCRYPTION_DELETED, LOGGING_DISABLED, LIFECYCLE_QUICK_EXPIRY], region.code);
    return;
  }
  const read: BucketRead = {
    name,
    client: clients.in(region.value),
    observe: (eventName, parameters) => sink.observe({ ...change(eventName, { bucketName: name, ...parameters }), awsRegion: region.value }),
    unread,
    logger: target.logger,
  };
  await readBlockAndExposure(read, account);
  await readVersioning(read);
  await readEncryption(read);
  await readLogging(read);
  await readLifecycle(read);
}

/** Block Public Access first: it decides whether a public policy or ACL takes effect. */
async function readBlockAndExposure(read: BucketRead, account: BlockSettings | undefined): Promise<void> {
  const block = await readSetting(() => read.client.send(new GetPublicAccessBlockCommand({ Bucket: read.name })), 'NoSuchPublicAccessBlockConfiguration');
  if (!block.ok) {
    read.unread([BUCKET_BLOCK_REMOVED, BUCKET_PUBLIC], block.code);
    return;
  }
  const configuration = block.value?.PublicAccessBlockConfiguration;
  const settings = blockSettings(configuration);
  if (configuration === undefined) read.observe('DeleteBucketPublicAccessBlock', {});
  else read.observe('PutBucketPublicAccessBlock', blockParameters(settings));
  await readExposure(read, {
    ignorePublicAcls: settings.IgnorePublicAcls || account?.IgnorePublicAcls === true,
    restrictPublicPolicy: settings.RestrictPublicBuckets || account?.RestrictPublicBuckets === true,
  });
}

async function readVersioning(read: BucketRead): Promise<void> {
  const versioning = await readSetting(() => read.client.send(new GetBucketVersioningCommand({ Bucket: read.name })));
  if (!versioning.ok) {
    read.unread([VERSIONING_SUSPENDED], versioning.code);
    return;
  }
  if (versioning.value?.Status !== undefined) read.observe('PutBucketVersioning', { VersioningConfiguration: { Status: versioning.value.Status } });
  if (versioning.value?.MFADelete === 'Disabled')
    read.unread([VERSIONING_SUSPENDED], 'MFA delete is off: whether it was turned off is not judged from the state');
}

async function readEncryption(read: BucketRead): Promise<void> {
  const encryption = await readSetting(
    () => read.client.send(new GetBucketEncryptionCommand({ Bucket: read.name })),
    'ServerSideEncryptionConfigurationNotFoundError',
  );
  if (!encryption.ok) {
    read.unread([ENCRYPTION_DELETED], encryption.code);
    return;
  }
  const algorithms = (encryption.value?.ServerSideEncryptionConfiguration?.Rules ?? []).map((rule) => rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
  if (algorithms.length === 0) read.observe('DeleteBucketEncryption', {});
  // A KMS key is a chosen key: nothing to raise, and a finding that said it was removed is resolved.
  else if (!algorithms.some((algorithm) => algorithm?.startsWith('aws:kms') === true))
    read.unread([ENCRYPTION_DELETED], 'S3 managed keys: a chosen key that was removed leaves the same state');
}

async function readLogging(read: BucketRead): Promise<void> {
  const logging = await readSetting(() => read.client.send(new GetBucketLoggingCommand({ Bucket: read.name })));
  if (!logging.ok) read.unread([LOGGING_DISABLED], logging.code);
  else if (logging.value?.LoggingEnabled === undefined) read.observe('PutBucketLogging', { BucketLoggingStatus: {} });
}

/**
 * The lifecycle configuration, as the PutBucketLifecycle that would set it (CloudTrail logs the XML
 * body: `LifecycleConfiguration.Rule`). The rule judges a date against the record's time, here the
 * scan's: a date already past expires everything under its rule as soon as S3 next runs lifecycle.
 */
async function readLifecycle(read: BucketRead): Promise<void> {
  const lifecycle = await readSetting(
    () => read.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: read.name })),
    'NoSuchLifecycleConfiguration',
  );
  if (!lifecycle.ok) read.unread([LIFECYCLE_QUICK_EXPIRY], lifecycle.code);
  else if ((lifecycle.value?.Rules ?? []).length > 0)
    read.observe('PutBucketLifecycle', { LifecycleConfiguration: { Rule: (lifecycle.value?.Rules ?? []).map(lifecycleRuleAsLogged) } });
}

/** A lifecycle rule as the XML body names its parts: what it covers, and when it expires objects. */
function lifecycleRuleAsLogged(rule: LifecycleRule): Record<string, unknown> {
  const filter = rule.Filter;
  const expiration = rule.Expiration;
  return {
    ...(rule.ID === undefined ? {} : { ID: rule.ID }),
    Status: rule.Status,
    ...(rule.Prefix === undefined ? {} : { Prefix: rule.Prefix }),
    ...(filter === undefined
      ? {}
      : {
          Filter: {
            ...(filter.Prefix === undefined ? {} : { Prefix: filter.Prefix }),
            ...(filter.And?.Prefix === undefined ? {} : { And: { Prefix: filter.And.Prefix } }),
          },
        }),
    ...(expiration === undefined
      ? {}
      : {
          Expiration: {
            ...(expiration.Days === undefined ? {} : { Days: expiration.Days }),
            ...(expiration.Date === undefined ? {} : { Date: expiration.Date.toISOString() }),
            ...(expiration.ExpiredObjectDeleteMarker === undefined ? {} : { ExpiredObjectDeleteMarker: expiration.ExpiredObjectDeleteMarker }),
          },
        }),
    ...(rule.NoncurrentVersionExpiration?.NoncurrentDays === undefined
      ? {}
      : { NoncurrentVersionExpiration: { NoncurrentDays: rule.NoncurrentVersionExpiration.NoncurrentDays } }),
  };
}

/** The bucket policy and ACL, as far as Block Public Access lets them take effect. */
async function readExposure(read: BucketRead, block: { readonly ignorePublicAcls: boolean; readonly restrictPublicPolicy: boolean }): Promise<void> {
  const policy = await readSetting(() => read.client.send(new GetBucketPolicyCommand({ Bucket: read.name })), 'NoSuchBucketPolicy');
  if (!policy.ok) read.unread([BUCKET_PUBLIC], policy.code);
  else if (policy.value?.Policy !== undefined) {
    if (!block.restrictPublicPolicy) read.observe('PutBucketPolicy', { bucketPolicy: policy.value.Policy });
    await crossCheckPolicyStatus(read, policy.value.Policy);
  }

  if (block.ignorePublicAcls) return;
  const acl = await readSetting(() => read.client.send(new GetBucketAclCommand({ Bucket: read.name })));
  if (!acl.ok) read.unread([BUCKET_PUBLIC], acl.code);
  else read.observe('PutBucketAcl', { AccessControlPolicy: { AccessControlList: { Grant: (acl.value?.Grants ?? []).map(grantAsLogged) } } });
}

/**
 * S3's own verdict on the policy, where S3 gives one: a disagreement with iam-warden's analysis is
 * logged for a person to look at (the finding follows iam-warden's analysis, as the event's does).
 */
async function crossCheckPolicyStatus(read: BucketRead, policy: string): Promise<void> {
  const status = await readSetting(() => read.client.send(new GetBucketPolicyStatusCommand({ Bucket: read.name })));
  const s3Says = status.ok ? status.value?.PolicyStatus?.IsPublic : undefined;
  if (s3Says === undefined) return;
  const analysis = analyseBucketPolicy(policy);
  const wardenSays = analysis.ok && analysis.public;
  if (s3Says !== wardenSays)
    read.logger.warn({ bucket: read.name, s3IsPublic: s3Says, wardenIsPublic: wardenSays }, 'bucket policy status differs from the analysis');
}

/** A grant as CloudTrail logs PutBucketAcl's request (the shape the rule reads). */
function grantAsLogged(grant: Grant): Record<string, unknown> {
  const grantee = grant.Grantee;
  return {
    Grantee: {
      'xsi:type': grantee?.Type,
      ...(grantee?.URI === undefined ? {} : { URI: grantee.URI }),
      ...(grantee?.ID === undefined ? {} : { ID: grantee.ID }),
    },
    Permission: grant.Permission,
  };
}

/**
 * The bucket's region: ListBuckets gives it when asked with a page size; otherwise GetBucketLocation,
 * whose answer is empty for us-east-1 and the legacy `EU` for eu-west-1 (S3 API reference).
 */
async function regionOf(bucket: Bucket & { Name: string }, client: S3Client): Promise<Read<string>> {
  if (bucket.BucketRegion !== undefined) return { ok: true, value: bucket.BucketRegion };
  const location = await readSetting(() => client.send(new GetBucketLocationCommand({ Bucket: bucket.Name })));
  if (!location.ok) return location;
  const constraint: string | undefined = location.value?.LocationConstraint;
  if (constraint === undefined || constraint === '') return { ok: true, value: 'us-east-1' };
  return { ok: true, value: constraint === 'EU' ? 'eu-west-1' : constraint };
}

/** One S3 client per bucket region, built on first use, so each request goes straight to its bucket's region. */
class RegionalClients {
  private readonly byRegion = new Map<string, S3Client>();
  readonly home: S3Client;

  constructor(private readonly config: ScanClientConfig) {
    this.home = this.in(config.region);
  }

  in(region: string): S3Client {
    let client = this.byRegion.get(region);
    if (client === undefined) {
      client = new S3Client({ ...this.config, region });
      this.byRegion.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.byRegion.values()) client.destroy();
  }
}

/**
 * S3 Control names the account in the host (`<account>.s3-control.<region>.amazonaws.com`). A custom
 * endpoint (given in the settings or by AWS_ENDPOINT_URL: an emulator on a loopback address) cannot
 * take that prefix, so it is used as given: the account id also travels in the x-amz-account-id header.
 */
function accountControlClient(config: ScanClientConfig): S3ControlClient {
  const client = new S3ControlClient(config);
  const standard = client.config.endpointProvider;
  client.config.endpointProvider = (parameters, context) =>
    parameters.Endpoint === undefined ? standard(parameters, context) : { url: new URL(parameters.Endpoint) };
  return client;
}

function change(eventName: string, requestParameters: Record<string, unknown>): EquivalentChange {
  return { eventSource: S3, eventName, requestParameters };
}
