// What a scan of a large account costs, against moto over HTTP: 1,000 roles, 500 buckets and 10,000
// EBS snapshots (a few of each at risk), in every region moto reports enabled. A counting proxy in
// front of moto tallies every AWS call the scan makes, by service and operation; then the time, the
// peak memory, and recording the report into the embedded store. Prints; asserts nothing.
//
//   node bin/run-ts.js bench/scan.ts [--roles 1000] [--buckets 500] [--snapshots 10000]
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateSnapshotCommand, CreateVolumeCommand, EC2Client, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { openFindingsStore } from '../shared/findings/open.js';
import { silentLogger } from '../shared/logging/logger.js';
import { parseTrustedList } from '../shared/policy/boundary.js';
import { mapBounded } from '../shared/scan/concurrency.js';
import { READERS } from '../shared/scan/readers/catalogue.js';
import { recordScan } from '../shared/scan/record.js';
import { scanAccount } from '../shared/scan/scan.js';
import { discoverTarget } from '../shared/scan/target.js';
import { startMoto } from '../test/support/moto.js';

const { values } = parseArgs({
  options: { roles: { type: 'string', default: '1000' }, buckets: { type: 'string', default: '500' }, snapshots: { type: 'string', default: '10000' } },
});
const ROLES = Number(values.roles);
const BUCKETS = Number(values.buckets);
const SNAPSHOTS = Number(values.snapshots);
const OUTSIDE = '444455556666';
/** Calls in flight while seeding moto. */
const SEEDING = 16;

const moto = await startMoto();
const proxy = await startCountingProxy(moto.endpoint);
const direct = { region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials };

try {
  const seeding = performance.now();
  await seed();
  process.stdout.write(
    `seeded ${ROLES} roles, ${BUCKETS} buckets, ${SNAPSHOTS} snapshots into moto in ${((performance.now() - seeding) / 1000).toFixed(0)} s (Node ${process.version}, ${process.arch})\n`,
  );

  const clientConfig = { endpoint: proxy.endpoint, credentials: moto.credentials, maxAttempts: 10, retryMode: 'standard', forcePathStyle: true } as const;
  const target = await discoverTarget({ ...clientConfig, region: 'us-east-1' });
  proxy.reset();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const report = await scanAccount(
    { ...target, readers: READERS, clientConfig },
    { context: { boundary: parseTrustedList('', 'bench') }, logger: silentLogger },
  );
  const scanMs = performance.now() - started;
  const calls = proxy.counts();

  const storeDir = await mkdtemp(join(tmpdir(), 'warden-bench-scan-'));
  const opened = await openFindingsStore({ storeDir });
  const recording = performance.now();
  const recorded = await recordScan(opened.store, report);
  const recordMs = performance.now() - recording;
  await opened.close();
  await rm(storeDir, { recursive: true, force: true });

  const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
  const read = Object.entries(report.counts)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  process.stdout.write(`\nscan of ${target.regions.length} regions (${READERS.length} readers; 8 calls per read and 4 reads in flight): ${read}\n`);
  process.stdout.write(
    `  ${total} AWS calls in ${(scanMs / 1000).toFixed(1)} s; ${report.detected.length} risks present; ${report.problems.length} reads failed\n`,
  );
  process.stdout.write(`  memory: RSS ${mib(rssBefore)} before, peak ${mib(process.resourceUsage().maxRSS * 1024)} (the whole process, seeding included)\n`);
  process.stdout.write(
    `  recorded into the embedded store in ${(recordMs / 1000).toFixed(1)} s: ${recorded.written.length} findings written, ${recorded.resolved.length} resolved\n`,
  );
  process.stdout.write('\ncalls by operation\n');
  for (const [operation, count] of [...calls.entries()].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${String(count).padStart(7)}  ${operation}\n`);
} finally {
  await proxy.close();
  await moto.stop();
}

/** An account in moto: 1 role in 100 public, 1 bucket in 50 public (1 in 25 suspended, 1 in 10 unlogged), 2 snapshots in 1,000 shared. */
async function seed(): Promise<void> {
  const iam = new IAMClient(direct);
  const s3 = new S3Client({ ...direct, forcePathStyle: true });
  const ec2 = new EC2Client(direct);
  try {
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, PasswordReusePrevention: 24 }));
    await mapBounded(range(ROLES), SEEDING, async (n) => {
      const principal = n % 100 === 0 ? '*' : { Service: 'lambda.amazonaws.com' };
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] };
      await iam.send(new CreateRoleCommand({ RoleName: `role-${n}`, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    });

    await s3.send(new CreateBucketCommand({ Bucket: 'bench-logs' }));
    const logDelivery = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';
    await s3.send(new PutBucketAclCommand({ Bucket: 'bench-logs', GrantWrite: logDelivery, GrantReadACP: logDelivery }));
    await mapBounded(range(BUCKETS), SEEDING, async (n) => {
      const bucket = `bench-bucket-${n}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const exposed = n % 50 === 0;
      const block = !exposed;
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: { BlockPublicAcls: block, IgnorePublicAcls: block, BlockPublicPolicy: block, RestrictPublicBuckets: block },
        }),
      );
      if (exposed) {
        const policy = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
        };
        await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
      }
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: n % 25 === 0 ? 'Suspended' : 'Enabled' } }));
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' } }] },
        }),
      );
      if (n % 10 !== 0)
        await s3.send(
          new PutBucketLoggingCommand({ Bucket: bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'bench-logs', TargetPrefix: `${bucket}/` } } }),
        );
    });

    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    await mapBounded(range(SNAPSHOTS), SEEDING, async (n) => {
      const snapshot = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId }));
      if (n % 1000 === 0 || n % 1000 === 1) {
        const share = n % 1000 === 0 ? { GroupNames: ['all'] } : { UserIds: [OUTSIDE] };
        await ec2.send(
          new ModifySnapshotAttributeCommand({ SnapshotId: snapshot.SnapshotId, Attribute: 'createVolumePermission', OperationType: 'add', ...share }),
        );
      }
    });
  } finally {
    iam.destroy();
    s3.destroy();
    ec2.destroy();
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, n) => n);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/**
 * An HTTP proxy in front of moto that counts each request by service (from the signature's credential
 * scope) and operation: the query APIs' Action, JSON APIs' X-Amz-Target, S3's method and subresource.
 */
async function startCountingProxy(upstream: string): Promise<{ endpoint: string; counts(): Map<string, number>; reset(): void; close(): Promise<void> }> {
  const target = new URL(upstream);
  let counts = new Map<string, number>();
  const server = createServer(async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = operationOf(incoming, body);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      outgoing.writeHead(502);
      outgoing.end(error.message);
    });
    forwarded.end(body);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => counts,
    reset: () => {
      counts = new Map();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function operationOf(request: IncomingMessage, body: Buffer): string {
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? 'unknown';
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return `${service} ${target.split('.').at(-1)}`;
  const url = new URL(request.url ?? '/', 'http://proxy');
  const action = url.searchParams.get('Action') ?? new URLSearchParams(body.toString()).get('Action');
  if (action !== null && service !== 's3') return `${service} ${action}`;
  if (url.pathname.startsWith('/v20180820/')) return `s3-control ${request.method} ${url.pathname.split('/').slice(2).join('/')}`;
  const subresource = [...url.searchParams.keys()].filter((key) => !['x-id', 'max-buckets', 'continuation-token'].includes(key))[0];
  return `${service} ${request.method} ${subresource === undefined ? (url.pathname === '/' ? '(list buckets)' : '(bucket)') : `?${subresource}`}`;
}
