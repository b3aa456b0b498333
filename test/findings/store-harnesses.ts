/**
 * The two findings stores, each behind the same small harness, so one contract suite runs the same
 * stories against both: the deployed DynamoDB table (on dynalite) and the embedded SQLite store.
 * Besides a fresh store, a harness can read and overwrite what is stored raw, below the interface.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import { findingKey } from '../../shared/findings/dynamodb/table.js';
import { DATABASE_FILE, openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import type { FindingsStore, StoreSettings } from '../../shared/findings/store.js';
import { useDynalite } from '../support/emulators.js';

export interface StoreHarness {
  readonly name: string;
  /** A fresh, empty store. */
  open(settings?: StoreSettings): Promise<FindingsStore>;
  /** The TTL stored for a finding id (on the finding, or on an early resolution), read raw. */
  storedExpiry(store: FindingsStore, findingId: string): Promise<number | undefined>;
  /** Overwrites one stored attribute of a finding with a raw value, below the schema check. */
  corrupt(store: FindingsStore, findingId: string, field: string, value: string | number): Promise<void>;
}

/** Call at the top of a test file: registers the hooks both harnesses need. */
export function storeHarnesses(): StoreHarness[] {
  const dynamo = useDynalite();
  const tables = new WeakMap<FindingsStore, string>();
  const dynamoHarness: StoreHarness = {
    name: 'DynamoDB',
    async open(settings = {}) {
      const table = await dynamo.createTable();
      const store = new DynamoFindingsStore(dynamo.client, table, settings);
      tables.set(store, table);
      return store;
    },
    async storedExpiry(store, findingId) {
      const result = await dynamo.client.send(new GetCommand({ TableName: tables.get(store), Key: findingKey(findingId) }));
      return result.Item?.['expiresAt'] as number | undefined;
    },
    async corrupt(store, findingId, field, value) {
      await dynamo.client.send(
        new UpdateCommand({
          TableName: tables.get(store),
          Key: findingKey(findingId),
          UpdateExpression: 'SET #field = :value',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':value': value },
        }),
      );
    },
  };

  const opened: { dir: string; close: () => Promise<void> }[] = [];
  const directories = new WeakMap<FindingsStore, string>();
  // A second connection reads and writes the file under the store, as a person's sqlite3 shell would.
  const raw = <T>(store: FindingsStore, use: (db: Database.Database) => T): T => {
    const db = new Database(join(directories.get(store) ?? '', DATABASE_FILE));
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  afterAll(async () => {
    for (const { dir, close } of opened) {
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  const sqliteHarness: StoreHarness = {
    name: 'SQLite',
    async open(settings = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'warden-contract-'));
      const { store, close } = await openEmbeddedStore(dir, settings);
      opened.push({ dir, close });
      directories.set(store, dir);
      return store;
    },
    async storedExpiry(store, findingId) {
      return raw(store, (db) => {
        const row = (db.prepare('SELECT expiresAt FROM findings WHERE id = ?').get(findingId) ??
          db.prepare('SELECT expiresAt FROM finding_state WHERE id = ?').get(findingId)) as { expiresAt: number | null } | undefined;
        return row?.expiresAt ?? undefined;
      });
    },
    async corrupt(store, findingId, field, value) {
      raw(store, (db) => db.prepare(`UPDATE findings SET ${field} = ? WHERE id = ?`).run(value, findingId));
    },
  };
  return [dynamoHarness, sqliteHarness];
}
