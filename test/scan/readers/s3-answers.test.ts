// How the S3 reader takes S3's answers that moto does not give: pages of buckets, refusals, S3's own
// verdict on a policy, MFA delete. The SDK is mocked: which calls are made, with what, is the point.
import {
  GetBucketAclCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FieldLogger } from '../../../shared/logging/logger.js';
import type { EquivalentChange } from '../../../shared/scan/reader.js';
import { s3Reader } from '../../../shared/scan/readers/s3.js';
import { awsError, keepingInputsIn, readWithMocks, SCAN_ACCOUNT } from '../harness.js';

const s3 = mockClient(S3Client);
const control = mockClient(S3ControlClient);
const ACCOUNT = SCAN_ACCOUNT;

const read = (logger?: FieldLogger) => readWithMocks(s3Reader, { logger });

/** The region each bucket's changes were observed in. */
function bucketRegions(observed: readonly EquivalentChange[]): Record<string, string | undefined> {
  return Object.fromEntries(
    observed.flatMap((change) =>
      typeof change.requestParameters?.['bucketName'] === 'string' ? [[change.requestParameters['bucketName'], change.awsRegion]] : [],
    ),
  );
}

beforeEach(() => {
  // Every setting answers "nothing to report" unless a test says otherwise.
  control.on(GetAccountPublicAccessBlockCommand).resolves({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  });
  s3.onAnyCommand().resolves({});
  s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'reports', BucketRegion: 'eu-west-1' }] });
});

afterEach(() => {
  s3.reset();
  control.reset();
});

describe('the S3 reader, on answers moto does not give', () => {
  it('pages through the buckets with the continuation token, each read in the region ListBuckets names', async () => {
    const listed: { ContinuationToken?: string }[] = [];
    s3.on(ListBucketsCommand).callsFake(
      keepingInputsIn(listed, (input: { ContinuationToken?: string }) =>
        input.ContinuationToken === 'page-2'
          ? { Buckets: [{ Name: 'second', BucketRegion: 'ap-southeast-2' }] }
          : { Buckets: [{ Name: 'first', BucketRegion: 'eu-west-1' }], ContinuationToken: 'page-2' },
      ),
    );

    const { observed } = await read();

    expect(listed).toEqual([{ MaxBuckets: 10_000 }, { MaxBuckets: 10_000, ContinuationToken: 'page-2' }]);
    expect(s3.commandCalls(GetBucketLocationCommand)).toHaveLength(0);
    expect(bucketRegions(observed)).toEqual({ first: 'eu-west-1', second: 'ap-southeast-2' });
  });

  it('asks GetBucketLocation where ListBuckets names no region (an empty answer is us-east-1, EU is eu-west-1)', async () => {
    s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'old' }, { Name: 'older' }] });
    s3.on(GetBucketLocationCommand, { Bucket: 'old' }).resolves({}).on(GetBucketLocationCommand, { Bucket: 'older' }).resolves({ LocationConstraint: 'EU' });

    const { observed } = await read();

    expect(bucketRegions(observed)).toEqual({ old: 'us-east-1', older: 'eu-west-1' });
  });

  it('leaves a setting it may not read unjudged for its rules only, and reads the rest of the bucket', async () => {
    s3.on(GetBucketPolicyCommand).rejects(awsError('AccessDenied'));
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });

    const { observed, unread } = await read();

    expect(unread).toEqual([{ resource: 'arn:aws:s3:::reports', ruleIds: ['s3-bucket-public'], reason: 'AccessDenied' }]);
    expect(observed.map((change) => change.eventName)).toContain('PutBucketVersioning');
    expect(s3.commandCalls(GetBucketAclCommand)).toHaveLength(0); // IgnorePublicAcls is on for the account
  });

  it('leaves the lifecycle unjudged when it may not be read, and reads the rest of the bucket', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(awsError('AccessDenied'));

    const { observed, unread } = await read();

    expect(unread).toEqual([{ resource: 'arn:aws:s3:::reports', ruleIds: ['s3-bucket-lifecycle-quick-expiry'], reason: 'AccessDenied' }]);
    expect(observed.map((change) => change.eventName)).toContain('PutBucketLogging');
  });

  it('fails the whole read when the account setting cannot be read: every bucket exposure depends on it', async () => {
    control.on(GetAccountPublicAccessBlockCommand).rejects(awsError('AccessDenied'));

    await expect(read()).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(s3.commandCalls(ListBucketsCommand)).toHaveLength(0);
  });

  it("logs S3's own verdict on a policy when it differs from the analysis", async () => {
    control.on(GetAccountPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    const policy = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: '*' }],
    });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: policy });
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    const warnings: unknown[] = [];

    const { observed } = await read({ debug() {}, info() {}, warn: (fields, message) => warnings.push({ message, ...fields }), error() {} });

    expect(warnings).toEqual([{ message: 'bucket policy status differs from the analysis', bucket: 'reports', s3IsPublic: true, wardenIsPublic: false }]);
    expect(observed.map((change) => change.eventName)).toEqual(
      expect.arrayContaining(['DeleteAccountPublicAccessBlock', 'PutBucketPolicy', 'PutBucketAcl', 'DeleteBucketEncryption', 'PutBucketLogging']),
    );
  });

  it('leaves versioning unjudged when MFA delete is off: only the root user turns it off, and the state does not say whether it did', async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled', MFADelete: 'Disabled' });

    const { unread } = await read();

    expect(unread).toEqual([
      {
        resource: 'arn:aws:s3:::reports',
        ruleIds: ['s3-bucket-versioning-suspended'],
        reason: 'MFA delete is off: whether it was turned off is not judged from the state',
      },
    ]);
  });
});
