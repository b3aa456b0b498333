// What only the embedded store does: one file under a directory that persists between runs, one
// process at a time, readable with any SQLite tool, and never silently replaced.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FindingsStoreError, StoreInUseError } from '../../shared/findings/errors.js';
import { DATABASE_FILE, LOCK_FILE, openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import { at, detected, evaluation } from '../support/findings-factory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-sqlite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sql<T>(query: string, ...parameters: unknown[]): T[] {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(query).all(...parameters) as T[];
  } finally {
    db.close();
  }
}

describe('the embedded findings store', () => {
  it('keeps findings between runs, in a file any SQLite tool can query', async () => {
    const raised = detected({ eventTime: at(0) });
    const first = await openEmbeddedStore(dir);
    await first.store.apply(evaluation({ detected: [raised, detected({ eventTime: at(9) })] }));
    await first.close();

    const second = await openEmbeddedStore(dir);
    const finding = await second.store.get(raised.findingId);
    await second.close();

    expect(finding).toMatchObject({ status: 'open', count: 2 });
    expect(sql("SELECT ruleId, status, count, recentOccurrences ->> '$[0].eventTime' AS latest FROM findings")).toEqual([
      { ruleId: raised.ruleId, status: 'open', count: 2, latest: at(9) },
    ]);
    expect(sql('SELECT count(*) AS n FROM occurrences WHERE findingId = ?', raised.findingId)).toEqual([{ n: 2 }]);
  });

  it('is held by one opener at a time, and free again once closed', async () => {
    const held = await openEmbeddedStore(dir);

    await expect(openEmbeddedStore(dir)).rejects.toThrow(StoreInUseError);
    await held.close();
    const again = await openEmbeddedStore(dir);
    await again.close();

    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over the lock a dead process left behind', async () => {
    await writeFile(join(dir, 'warden.lock'), '999999999');

    const opened = await openEmbeddedStore(dir);
    await opened.close();

    expect(existsSync(join(dir, DATABASE_FILE))).toBe(true);
  });

  it('refuses the DynamoDB emulator files of an earlier version in one line, deleting nothing', async () => {
    await mkdir(join(dir, 'dynamodb'));
    await writeFile(join(dir, 'dynamodb', 'CURRENT'), 'MANIFEST-000001\n');

    const opening = openEmbeddedStore(dir);

    await expect(opening).rejects.toThrow(FindingsStoreError);
    const message = await opening.catch((error: Error) => error.message);
    expect(message).not.toContain('\n');
    expect(message).toContain(`--store ${dir} --reset-store`);
    expect(await readdir(dir)).toEqual(['dynamodb']);
    expect(await readdir(join(dir, 'dynamodb'))).toEqual(['CURRENT']);
  });

  it('refuses a store made by a newer version', async () => {
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma('user_version = 99');
    db.close();

    await expect(openEmbeddedStore(dir)).rejects.toThrow('made by a newer iam-warden');
  });

  it('brings an older store up to date: a field added since becomes a column, and old findings still read', async () => {
    const raised = detected();
    const made = await openEmbeddedStore(dir);
    await made.store.apply(evaluation({ detected: [raised] }));
    await made.close();
    // As a store from before `alertedAt` existed.
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('ALTER TABLE findings DROP COLUMN alertedAt');
    db.close();

    const reopened = await openEmbeddedStore(dir);
    const sent = await reopened.store.markAlert(raised.findingId, 'sent');
    const finding = await reopened.store.get(raised.findingId);
    await reopened.close();

    expect(sent).toBe(true);
    expect(finding).toMatchObject({ status: 'open', alertState: 'sent', alertedAt: expect.any(String) });
  });

  it('cannot bring up to date a store missing a required field, and says how to recreate it', async () => {
    const made = await openEmbeddedStore(dir);
    await made.close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('ALTER TABLE findings DROP COLUMN title');
    db.close();

    await expect(openEmbeddedStore(dir)).rejects.toThrow('its findings table has no title column');
  });
});
