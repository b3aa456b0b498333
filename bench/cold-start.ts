// Cold start of each Lambda bundle, measured locally: a fresh Node process imports the built bundle
// (dist/lambda/<function>/index.mjs, as Lambda would) and handles one event, then a second (warm).
// Local emulators stand in for AWS: dynalite for the findings table, fauxqs for the alert topic, and
// for the audit a stub of IAM's query API (GetCredentialReport and the List calls; no emulator
// implements them) serving a 100-user report. Lambda's own init (runtime start, code
// download) is not included; the import and first-event figures are what our code adds to it.
//
//   node bin/run-ts.js bench/cold-start.ts [--runs N]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { startFauxqs } from 'fauxqs';
import { buildBundles, bundlePath, type FunctionName } from '../scripts/build.js';
import { examples as rootKeyExamples } from '../shared/detections/iam/root-access-key-created.examples.js';
import { ensureFindingsTable } from '../shared/findings/dynamodb/table.js';
import { CREDENTIAL_REPORT_COLUMNS } from '../shared/keys/credential-report.js';
import { runDynalite } from '../test/support/dynalite.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

// ---- emulators --------------------------------------------------------------------------------------
const dynamo = await runDynalite();
const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
const fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
const snsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
const sns = new SNSClient({ endpoint: snsEndpoint, region: 'us-east-1', credentials });
const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'bench-alerts' }))).TopicArn ?? '';
const iamStub = await startIamStub(100);

// The bundles that handle one event or a small audit; the reconcile's figures come from bench/scan.ts.
const reports = await buildBundles(['detect-cloudtrail-event', 'audit-access-keys']);
let tables = 0;

interface Sample {
  readonly processMs: number;
  readonly importMs: number;
  readonly firstEventMs: number;
  readonly warmEventMs: number;
  readonly maxRssMiB: number;
}

async function coldStart(name: FunctionName): Promise<Sample> {
  tables += 1;
  const table = `bench-cold-${tables}`;
  await ensureFindingsTable(dynamoClient, table);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: snsEndpoint,
    AWS_ENDPOINT_URL_IAM: iamStub.endpoint,
    FINDINGS_TABLE: table,
    ALERT_TOPIC_ARN: topicArn,
    LOG_LEVEL: 'silent',
    BUNDLE: pathToFileURL(bundlePath(name)).href,
    EVENTS: JSON.stringify(eventsFor(name)),
  };
  const child = `
    const started = performance.now();
    const { handler } = await import(process.env.BUNDLE);
    const imported = performance.now();
    const [first, second] = JSON.parse(process.env.EVENTS);
    const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 600000 };
    await handler(first, context);
    const handled = performance.now();
    await handler(second, context);
    const warm = performance.now();
    process.stdout.write(JSON.stringify({ importMs: imported - started, firstEventMs: handled - imported, warmEventMs: warm - handled, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
    process.exit(0);
  `;
  const spawned = performance.now();
  const proc = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', child], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  const processMs = performance.now() - spawned;
  if (code !== 0) throw new Error(`${name}: exit ${code}: ${err.slice(0, 2000)}`);
  // The run counts only if the handler did its work: findings written to the table.
  const written = (await dynamoClient.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
  if (written === 0) throw new Error(`${name}: handled the events but wrote no finding`);
  return { processMs, ...(JSON.parse(out) as Omit<Sample, 'processMs'>) };
}

function eventsFor(name: FunctionName): unknown[] {
  if (name === 'audit-access-keys') {
    const scheduled = {
      version: '0',
      id: 'bench',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {},
    };
    return [scheduled, { ...scheduled, id: 'bench-2' }];
  }
  const record = rootKeyExamples.positive[0]!.record;
  const event = (eventID: string) => ({
    version: '0',
    id: `bench-${eventID}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.iam',
    account: '111122223333',
    time: record.eventTime,
    region: 'us-east-1',
    resources: [],
    detail: { ...record, eventID },
  });
  return [event('cold-0001'), event('warm-0002')];
}

/** IAM's query API, just enough for a report-mode audit: a young report of `users` users, empty lists. */
async function startIamStub(users: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const day = 86_400_000;
  const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const rows = [
    `<root_account>,arn:aws:iam::111122223333:root,${iso(2000)},not_supported,${iso(3)},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ];
  for (let n = 0; n < users; n += 1) {
    // A mix: most users healthy, some with old keys (findings, and facts listed for them).
    const rotated = n % 10 === 0 ? 200 : 20;
    rows.push(
      `user-${n},arn:aws:iam::111122223333:user/user-${n},${iso(900)},false,N/A,N/A,N/A,false,true,${iso(rotated)},${iso(1)},us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    );
  }
  const content = Buffer.from([CREDENTIAL_REPORT_COLUMNS.join(','), ...rows].join('\n')).toString('base64');
  const generated = new Date().toISOString();
  const xml = (action: string, result: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></${action}Response>`;
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const action = new URLSearchParams(body).get('Action') ?? '';
    const results: Record<string, string> = {
      GetCredentialReport: `<Content>${content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>${generated}</GeneratedTime>`,
      ListAccessKeys: '<AccessKeyMetadata/><IsTruncated>false</IsTruncated>',
      ListUserTags: '<Tags/><IsTruncated>false</IsTruncated>',
      ListGroupsForUser: '<Groups/><IsTruncated>false</IsTruncated>',
    };
    const result = results[action];
    response.writeHead(result === undefined ? 400 : 200, { 'content-type': 'text/xml' });
    response.end(
      result === undefined ? `<ErrorResponse><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></ErrorResponse>` : xml(action, result),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const median = (numbers: number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;

try {
  process.stdout.write(`cold start per bundle, median of ${runs} fresh processes (Node ${process.version}, ${process.arch}; local emulators)\n`);
  process.stdout.write('bundle                      size      process    import   1st event  warm event  max RSS\n');
  for (const report of reports) {
    const samples: Sample[] = [];
    for (let run = 0; run < runs; run += 1) samples.push(await coldStart(report.name));
    const pick = (key: keyof Sample) => median(samples.map((sample) => sample[key]));
    process.stdout.write(
      `${report.name.padEnd(26)} ${`${(report.bundleBytes / 1024).toFixed(0)} KiB`.padStart(8)}  ${ms(pick('processMs'))}  ${ms(pick('importMs'))}  ${ms(pick('firstEventMs'))}  ${ms(pick('warmEventMs'))}  ${pick('maxRssMiB').toFixed(0).padStart(4)} MiB\n`,
    );
  }
  process.stdout.write('process: spawn to exit (Node start + import + both events). Lambda adds its own runtime init.\n');
} finally {
  sns.destroy();
  dynamoClient.destroy();
  await iamStub.close();
  await fauxqs.stop();
  await dynamo.close();
}
