// Listing open findings as the store grows: queries and items read per page must stay flat, in the
// deployed table (dynalite over HTTP standing in) and in the embedded SQLite store.
// Run: node bin/run-ts.js bench/findings-list.ts [--pages N] [--page-size N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import Database from 'better-sqlite3';
import { SEVERITIES, type Severity } from '../shared/detections/detection.js';
import { documentClient, DynamoFindingsStore } from '../shared/findings/dynamodb/store.js';
import { ensureFindingsTable, findingItem } from '../shared/findings/dynamodb/table.js';
import { findingIdOf } from '../shared/findings/finding.js';
import type { FindingState } from '../shared/findings/lifecycle.js';
import type { Finding, FindingStatus } from '../shared/findings/model.js';
import { DATABASE_FILE, openEmbeddedStore } from '../shared/findings/sqlite/open.js';
import { columnsOf, FINDING_STATE, FINDINGS, toRow } from '../shared/findings/sqlite/tables.js';
import type { FindingsReader, ListQuery } from '../shared/findings/store.js';
import { runDynalite } from '../test/support/dynalite.js';

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

/** A store to measure, and how to add findings n in [from, to) to it without going through the fold. */
interface Bench {
  readonly label: string;
  readonly store: FindingsReader;
  seed(from: number, to: number): Promise<void>;
  close(): Promise<void>;
}

async function dynamoBench(): Promise<Bench> {
  const dynamo = await runDynalite();
  const client = documentClient(
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }),
  );
  const table = 'bench-findings';
  await ensureFindingsTable(client as unknown as DynamoDBClient, table);
  return {
    label: 'DynamoDB table (in-memory dynalite over HTTP)',
    store: new DynamoFindingsStore(client, table),
    async seed(from, to) {
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
    },
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}

async function sqliteBench(): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-bench-list-'));
  const opened = await openEmbeddedStore(dir);
  // A second connection writes rows directly (the store's own lock is for other processes).
  const db = new Database(join(dir, DATABASE_FILE));
  const insert = (table: typeof FINDINGS) =>
    db.prepare(
      `INSERT INTO ${table.name} (${columnsOf(table).join(', ')}) VALUES (${columnsOf(table)
        .map((name) => `@${name}`)
        .join(', ')})`,
    );
  const putFinding = insert(FINDINGS);
  const putState = insert(FINDING_STATE);
  return {
    label: 'embedded SQLite store',
    store: opened.store,
    async seed(from, to) {
      db.transaction(() => {
        for (let n = from; n < to; n += 1) {
          const { id, state } = syntheticFinding(n);
          const { finding, ...memory } = state;
          putState.run(toRow(FINDING_STATE, memory, { id }));
          putFinding.run(toRow(FINDINGS, finding ?? {}));
        }
      })();
    },
    async close() {
      db.close();
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function measure(store: FindingsReader, label: string, query: ListQuery): Promise<void> {
  let cursor: string | undefined;
  const rows: string[] = [];
  for (let page = 1; page <= pages; page += 1) {
    const started = performance.now();
    const result = await store.list({ ...query, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
    const ms = performance.now() - started;
    rows.push(`    page ${page}: ${result.findings.length} findings, ${result.stats.calls} queries, ${result.stats.itemsRead} items read, ${ms.toFixed(1)} ms`);
    cursor = result.cursor;
    if (cursor === undefined) break;
  }
  process.stdout.write(`  ${label}\n${rows.join('\n')}\n`);
}

process.stdout.write(`Listing open findings, ${pageSize} per page (severities: ${SEVERITIES.join(', ')})\n`);
for (const open of [dynamoBench, sqliteBench]) {
  const bench = await open();
  process.stdout.write(`\n== ${bench.label}\n`);
  let seeded = 0;
  for (const size of SIZES) {
    const started = performance.now();
    await bench.seed(seeded, size);
    seeded = size;
    process.stdout.write(`\n${size.toLocaleString('en')} findings stored (seeded in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    await measure(bench.store, 'open, all severities', { statuses: ['open'] });
    await measure(bench.store, 'open, --min-severity high', { statuses: ['open'], minSeverity: 'high' });
    await measure(bench.store, 'open, --rule iam-wildcard-grant', { statuses: ['open'], ruleId: 'iam-wildcard-grant' });
  }
  await bench.close();
}
