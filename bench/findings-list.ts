// Listing open findings as the table grows: DynamoDB calls and items read per page must stay flat.
// Run: node bin/run-ts.js bench/findings-list.ts [--pages N] [--page-size N]
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../shared/detections/detection.js';
import { startEmbeddedDynamo } from '../shared/findings/embedded.js';
import { findingIdOf } from '../shared/findings/finding.js';
import type { FindingState } from '../shared/findings/lifecycle.js';
import type { Finding, FindingStatus } from '../shared/findings/model.js';
import { documentClient, FindingsStore } from '../shared/findings/store.js';
import { ensureFindingsTable, findingItem } from '../shared/findings/table.js';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '5' }, 'page-size': { type: 'string', default: '50' } } });
const pages = Number(values.pages);
const pageSize = Number(values['page-size']);
const SIZES = [1_000, 50_000];
const RULES = ['iam-wildcard-grant', 'mfa-deactivated', 'root-access-key-created', 's3-bucket-public'];
// A realistic spread: most findings resolved or low, few open criticals.
const STATUSES: FindingStatus[] = ['open', 'resolved', 'resolved', 'resolved', 'suppressed'];
const SEVERITY_MIX: Severity[] = ['low', 'low', 'medium', 'medium', 'medium', 'high', 'high', 'critical', 'info'];

function syntheticFinding(n: number): { id: string; state: FindingState } {
  const ruleId = RULES[n % RULES.length] ?? 'iam-wildcard-grant';
  const account = String(100000000000 + (n % 7));
  const resource = `arn:aws:iam::${account}:user/user-${n}`;
  const id = findingIdOf(ruleId, account, resource, undefined);
  const time = new Date(Date.UTC(2024, 0, 1) + n * 37_000).toISOString().replace('.000Z', 'Z');
  const status = STATUSES[n % STATUSES.length] ?? 'open';
  const finding: Finding = {
    id,
    ruleId,
    severity: SEVERITY_MIX[n % SEVERITY_MIX.length] ?? 'low',
    title: `Synthetic ${ruleId}`,
    account,
    region: 'us-east-1',
    resource,
    summary: `Synthetic finding ${n}.`,
    details: { n },
    status,
    statusChangedAt: time,
    firstSeen: time,
    lastSeen: time,
    count: 1,
    recentOccurrences: [
      {
        eventId: `e-${n}`,
        eventName: 'PutUserPolicy',
        eventTime: time,
        region: 'us-east-1',
        actor: `arn:aws:iam::${account}:user/admin`,
        actorType: 'IAMUser',
      },
    ],
    history: [{ at: time, status, reason: 'synthetic', by: `event:e-${n}` }],
    alertState: status === 'open' ? 'sent' : 'none',
  };
  return { id, state: { version: 1, seen: { [`e-${n}`]: time }, finding } };
}

async function seed(client: ReturnType<typeof documentClient>, table: string, from: number, to: number): Promise<void> {
  const chunks: Promise<void>[] = [];
  for (let start = from; start < to; start += 25) {
    const items = [];
    for (let n = start; n < Math.min(start + 25, to); n += 1) {
      const { id, state } = syntheticFinding(n);
      items.push({ PutRequest: { Item: findingItem(id, state) } });
    }
    chunks.push(
      (async () => {
        let requests = items;
        while (requests.length > 0) {
          const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (result.UnprocessedItems?.[table] ?? []) as typeof items;
        }
      })(),
    );
    if (chunks.length >= 8) await Promise.all(chunks.splice(0));
  }
  await Promise.all(chunks);
}

async function measure(store: FindingsStore, label: string, query: Parameters<FindingsStore['list']>[0]): Promise<void> {
  let cursor: string | undefined;
  const rows: string[] = [];
  for (let page = 1; page <= pages; page += 1) {
    const started = performance.now();
    const result = await store.list({ ...query, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
    const ms = performance.now() - started;
    rows.push(`    page ${page}: ${result.findings.length} findings, ${result.stats.calls} calls, ${result.stats.itemsRead} items read, ${ms.toFixed(1)} ms`);
    cursor = result.cursor;
    if (cursor === undefined) break;
  }
  process.stdout.write(`  ${label}\n${rows.join('\n')}\n`);
}

const dynamo = await startEmbeddedDynamo();
const client = documentClient(
  new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }),
);
const table = 'bench-findings';
await ensureFindingsTable(client as unknown as DynamoDBClient, table);
const store = new FindingsStore(client, table);
process.stdout.write(`Listing open findings, ${pageSize} per page (in-memory dynalite over HTTP; severities: ${SEVERITIES.join(', ')})\n`);
let seeded = 0;
for (const size of SIZES) {
  const started = performance.now();
  await seed(client, table, seeded, size);
  seeded = size;
  process.stdout.write(`\n${size.toLocaleString('en')} findings in the table (seeded in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  await measure(store, 'open, all severities', { statuses: ['open'] });
  await measure(store, 'open, --min-severity high', { statuses: ['open'], minSeverity: 'high' });
  await measure(store, 'open, --rule iam-wildcard-grant', { statuses: ['open'], ruleId: 'iam-wildcard-grant' });
}
client.destroy();
await dynamo.close();
