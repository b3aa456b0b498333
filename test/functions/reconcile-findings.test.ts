import { CreateSnapshotCommand, CreateVolumeCommand, EC2Client, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Handler } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { READERS } from '../../shared/scan/readers/catalogue.js';
import { useDynalite, useEnvironment, useSns } from '../support/emulators.js';
import { lambdaContext, scheduledEvent } from '../support/eventbridge.js';
import { detected, evaluation } from '../support/findings-factory.js';
import { useMoto } from '../support/moto.js';
import { useWorkflowUpdatesOnMoto } from '../export/workflow-updates.js';

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
  delete process.env['SECURITY_HUB_PRODUCT_ARN'];
  delete process.env['AWS_ENDPOINT_URL_SECURITYHUB'];
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

    // Every regional reader fails there: the first reads to meet the silent region, after their retries; the others are not tried.
    const regional = READERS.filter((reader) => reader.reach === 'regional').length;
    await expect(invoke(handler)).rejects.toThrow(
      new RegExp(`^${regional} part\\(s\\) of the account could not be read: \\w+ in xx-nowhere-1 .*; the rest was recorded and reconciled$`),
    );
    expect((await findingsOf('ebs-snapshot-public')).map((finding) => [finding.resource, finding.status]).sort()).toEqual([
      [snapshotArn, 'open'],
      [elsewhere.resource, 'open'],
    ]);
  }, 60_000);

  it('fails fast at start-up on a wrong region list, naming the setting', async () => {
    await expect(loadHandler({ SCAN_REGIONS: 'us-east-1,mars' })).rejects.toThrow(/SCAN_REGIONS .*"mars"/);
  });

  describe('with securityHubExport on (SECURITY_HUB_PRODUCT_ARN, Security Hub on moto)', () => {
    const workflow = useWorkflowUpdatesOnMoto();
    const PRODUCT_ARN = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
    const imported = async (findingId: string) => {
      const hub = new SecurityHubClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: moto.credentials });
      return ((await hub.send(new GetFindingsCommand({}))).Findings ?? []).filter((finding) => finding.Id === `iam-warden/${findingId}`);
    };

    it('imports what it records and archives what it resolves, RESOLVED', async () => {
      const gone = detected({
        ruleId: 'ebs-snapshot-public',
        resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:snapshot/snap-0gone00000000000000`,
        scope: undefined,
      });
      await store.apply(evaluation({ detected: [gone] }));
      const handler = await loadHandler({ SCAN_REGIONS: 'us-east-1', SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN });

      const summary = (await invoke(handler)) as { exported: number };

      const [present] = (await findingsOf('s3-bucket-public')).filter((finding) => finding.resource === 'arn:aws:s3:::public-site');
      expect(summary).toMatchObject({ resolved: 1, exportFailed: 0 });
      expect(summary.exported).toBeGreaterThanOrEqual(2);
      expect(await imported(present!.id)).toMatchObject([{ ProductArn: PRODUCT_ARN, RecordState: 'ACTIVE', Resources: [{ Type: 'AwsS3Bucket' }] }]);
      expect(await imported(gone.findingId)).toMatchObject([{ RecordState: 'ARCHIVED' }]);
      expect(workflow.updates()).toEqual([{ status: 'RESOLVED', ids: [`iam-warden/${gone.findingId}`] }]);
    });

    // The SDK retries the unreachable endpoint with backoff (the export's calls, and the Security Hub state reader's) before giving up.
    it('records on each finding that Security Hub could not be reached, and fails the run once the rest is reconciled', async () => {
      const gone = detected({
        ruleId: 'ebs-snapshot-public',
        resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:snapshot/snap-0gone00000000000001`,
        scope: undefined,
      });
      await store.apply(evaluation({ detected: [gone] }));
      const handler = await loadHandler({
        SCAN_REGIONS: 'us-east-1',
        SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN,
        AWS_ENDPOINT_URL_SECURITYHUB: 'http://127.0.0.1:9',
      });

      await expect(invoke(handler)).rejects.toThrow(/could not export \d+ finding\(s\) to Security Hub: .*; recorded on each finding not exported$/);
      // Resolved all the same, and the outage kept on the finding: a retry of the run would not resolve it again.
      expect(await store.get(gone.findingId)).toMatchObject({ status: 'resolved', securityHubError: expect.stringMatching(/^not exported: /) });
    }, 60_000);
  });
});
