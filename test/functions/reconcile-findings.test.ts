import { CreateSnapshotCommand, CreateVolumeCommand, EC2Client, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { Handler } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { useDynalite, useEnvironment, useSns } from '../support/emulators.js';
import { lambdaContext, scheduledEvent } from '../support/eventbridge.js';
import { detected, evaluation } from '../support/findings-factory.js';
import { useMoto } from '../support/moto.js';

// The real handler module and its middy chain: the account on moto (AWS_ENDPOINT_URL, as the SDK reads
// it), the findings table on dynalite and the alert topic on fauxqs, each over HTTP.
const ACCOUNT = '123456789012';
const moto = useMoto();
const dynamo = useDynalite({ sdkEnvironment: true });
const sns = useSns('reconcile-alerts', { sdkEnvironment: true });
let store: FindingsStore;
let snapshotArn: string;

const scheduled = scheduledEvent(ACCOUNT);

async function loadHandler(env: Record<string, string> = {}): Promise<Handler> {
  vi.resetModules();
  delete process.env['SCAN_REGIONS'];
  Object.assign(process.env, env);
  return ((await import('../../functions/reconcile-findings.js')) as unknown as { handler: Handler }).handler;
}

const invoke = (handler: Handler): Promise<unknown> => handler(scheduled, lambdaContext, () => undefined) as Promise<unknown>;
const findingsOf = async (ruleId: string) => (await store.list({ ruleId, statuses: ['open', 'resolved', 'suppressed'] })).findings;

// DynamoDB and SNS keep their own emulators (AWS_ENDPOINT_URL_<SERVICE> wins); every other client reaches moto.
useEnvironment(() => ({
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
  ALERT_TOPIC_ARN: sns.topicArn,
  LOG_LEVEL: 'silent',
}));

beforeAll(async () => {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'public-site' }));
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-site/*' }] };
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'public-site', Policy: JSON.stringify(policy) }));
  s3.destroy();
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
  const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
  const snapshot = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId }));
  await ec2.send(
    new ModifySnapshotAttributeCommand({ SnapshotId: snapshot.SnapshotId, Attribute: 'createVolumePermission', OperationType: 'add', GroupNames: ['all'] }),
  );
  snapshotArn = `arn:aws:ec2:us-east-1:${ACCOUNT}:snapshot/${snapshot.SnapshotId}`;
  ec2.destroy();
}, 60_000);

beforeEach(async () => {
  const table = await dynamo.createTable('reconcile');
  process.env['FINDINGS_TABLE'] = table;
  store = new DynamoFindingsStore(dynamo.client, table);
  await sns.drain();
});

describe('reconcile-findings handler', () => {
  it('records what the scan sees, resolves what it no longer sees but never what an event raised meanwhile, and alerts', async () => {
    const gone = detected({ ruleId: 'ebs-snapshot-public', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:snapshot/snap-0deleted0000000000`, scope: undefined });
    // Raised by an event while the scan ran: last seen after it started.
    const meanwhile = detected({
      ruleId: 's3-bucket-public',
      resource: 'arn:aws:s3:::made-public-meanwhile',
      scope: 'policy',
      eventTime: new Date(Date.now() + 60_000).toISOString(),
    });
    await store.apply(evaluation({ detected: [gone, meanwhile] }));
    const handler = await loadHandler({ SCAN_REGIONS: 'us-east-1' });

    const summary = await invoke(handler);

    expect(summary).toMatchObject({ account: ACCOUNT, regions: 1, resolved: 1, problems: 0 });
    expect((await findingsOf('s3-bucket-public')).map((finding) => [finding.resource, finding.status]).sort()).toEqual([
      ['arn:aws:s3:::made-public-meanwhile', 'open'],
      ['arn:aws:s3:::public-site', 'open'],
    ]);
    // moto picks the snapshot id at random, so the two sort in either order.
    const snapshotStatuses = (await findingsOf('ebs-snapshot-public')).map((finding) => [finding.resource, finding.status]);
    expect(snapshotStatuses).toHaveLength(2);
    expect(snapshotStatuses).toEqual(
      expect.arrayContaining([
        [gone.resource, 'resolved'],
        [snapshotArn, 'open'],
      ]),
    );
    const alerted = (await sns.drain()).map((message) => message.attributes['ruleId']);
    expect(alerted).toEqual(expect.arrayContaining(['s3-bucket-public', 'ebs-snapshot-public']));
    expect(summary).toMatchObject({ alertsSent: alerted.length });
  });

  // The region that does not answer is retried with backoff by the SDK before the read gives up on it.
  it('records and reconciles the regions it could read, then fails the run for the one it could not, so the alarm fires', async () => {
    const elsewhere = detected({
      ruleId: 'ebs-snapshot-public',
      resource: `arn:aws:ec2:xx-nowhere-1:${ACCOUNT}:snapshot/snap-0elsewhere000000000`,
      scope: undefined,
    });
    await store.apply(evaluation({ detected: [{ ...elsewhere, region: 'xx-nowhere-1' }] }));
    const handler = await loadHandler({ SCAN_REGIONS: 'us-east-1,xx-nowhere-1' });

    await expect(invoke(handler)).rejects.toThrow(
      /3 part\(s\) of the account could not be read: .*ec2 in xx-nowhere-1 .*; the rest was recorded and reconciled$/,
    );
    expect((await findingsOf('ebs-snapshot-public')).map((finding) => [finding.resource, finding.status]).sort()).toEqual([
      [snapshotArn, 'open'],
      [elsewhere.resource, 'open'],
    ]);
  }, 60_000);

  it('fails fast at start-up on a wrong region list, naming the setting', async () => {
    await expect(loadHandler({ SCAN_REGIONS: 'us-east-1,mars' })).rejects.toThrow(/SCAN_REGIONS .*"mars"/);
  });
});
