import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FindingsStoreError, StoreInUseError } from '../errors.js';
import type { OpenedFindingsStore, StoreSettings } from '../store.js';
import { SqliteFindingsStore } from './store.js';
import { addMissingColumns, creationStatements } from './tables.js';

/** The database under a store directory: open it with any SQLite tool. */
export const DATABASE_FILE = 'findings.db';
const LOCK_FILE = 'warden.lock';
/** Where earlier versions kept the embedded store (dynalite's LevelDB files), which this one does not read. */
const DYNALITE_DIR = 'dynamodb';
/** PRAGMA user_version of the tables this code creates; added optional columns need no new version. */
const SCHEMA_VERSION = 1;

/**
 * Opens the embedded store under `storeDir` (created on first use), for this process alone until
 * close(). An older store is brought up to the current tables when that loses nothing; otherwise, as
 * for the DynamoDB emulator files of earlier versions, the error says in one line how to recreate it.
 * Nothing is ever deleted here.
 */
export async function openEmbeddedStore(storeDir: string, settings: StoreSettings = {}): Promise<OpenedFindingsStore> {
  await mkdir(storeDir, { recursive: true });
  const unlock = await lockStore(storeDir);
  let db: Database.Database | undefined;
  try {
    const path = join(storeDir, DATABASE_FILE);
    if (!existsSync(path) && existsSync(join(storeDir, DYNALITE_DIR))) {
      throw recreateError(storeDir, `its findings are in ${join(storeDir, DYNALITE_DIR)}, the DynamoDB emulator files of earlier versions`);
    }
    db = new Database(path);
    prepareDatabase(db, storeDir);
    const opened = db;
    return {
      store: new SqliteFindingsStore(opened, settings),
      async close() {
        opened.close();
        await unlock();
      },
    };
  } catch (error) {
    db?.close();
    await unlock();
    throw error;
  }
}

function prepareDatabase(db: Database.Database, storeDir: string): void {
  // WAL: a reader (a person's sqlite3 shell) never blocks the replay writing, nor the other way round.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) throw recreateError(storeDir, `it was made by a newer iam-warden (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  if (version === 0) {
    db.transaction(() => {
      for (const statement of creationStatements()) db.exec(statement);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    return;
  }
  db.transaction(() => addMissingColumns(db, (reason) => recreateError(storeDir, reason))).immediate();
}

function recreateError(storeDir: string, reason: string): FindingsStoreError {
  return new FindingsStoreError(
    `store ${storeDir} cannot be read by this iam-warden (${reason}): replay your CloudTrail logs into a new one with ` +
      `\`warden replay PATH... --store ${storeDir} --reset-store\` (which deletes ${storeDir}), or use another --store DIR`,
  );
}

/**
 * Takes `DIR/warden.lock` (our pid inside): one process at a time writes a store, so its batches
 * need no conditional writes. A lock left by a dead process is taken over.
 */
async function lockStore(storeDir: string): Promise<() => Promise<void>> {
  const lockPath = join(storeDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new StoreInUseError(`store ${storeDir} is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new StoreInUseError(`store ${storeDir} is being opened by another process`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
