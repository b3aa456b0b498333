import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, open as openFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { FindingsStoreError, StoreInUseError } from '../errors.js';
import type { OpenedFindingsStore, StoreSettings } from '../store.js';
import { sqliteFailure } from './failures.js';
import { SqliteFindingsStore } from './store.js';
import { addMissingColumns, creationStatements } from './tables.js';

/** The database under a store directory: open it with any SQLite tool. */
export const DATABASE_FILE = 'findings.db';
/** The lock: a small SQLite database its holder keeps a write lock on, and which says who holds it. */
export const LOCK_FILE = 'lock.db';
/** The pid file earlier versions locked with: not a lock any more, removed with the store on reset. */
const OLD_LOCK_FILE = 'warden.lock';
/** Where earlier versions kept the embedded store (dynalite's LevelDB files), which this one does not read. */
const DYNALITE_DIR = 'dynamodb';
/** PRAGMA user_version of the tables this code creates; added optional columns need no new version. */
const SCHEMA_VERSION = 1;

export interface EmbeddedStoreOptions {
  /** Remove the store's own files first, once its lock is held (`--reset-store`); anything else in the directory stays. */
  readonly reset?: boolean;
}

/**
 * Opens the embedded store under `storeDir` (created on first use), for this process alone until
 * close(). An older store is brought up to the current tables when that loses nothing; otherwise, as
 * for the DynamoDB emulator files of earlier versions or a damaged database, the error says in one
 * line what is wrong and how to recreate it. Nothing is deleted here unless `reset` asks for it, and
 * then only the store's own files, while holding its lock (`removed` names them).
 */
export async function openEmbeddedStore(storeDir: string, settings: StoreSettings = {}, options: EmbeddedStoreOptions = {}): Promise<OpenedFindingsStore> {
  await makeStoreDirectory(storeDir);
  const lock = await lockStore(storeDir);
  let db: Database.Database | undefined;
  try {
    const removed = options.reset === true ? await resetStore(storeDir) : undefined;
    db = await openDatabase(storeDir);
    const opened = db;
    return {
      store: new SqliteFindingsStore(opened, settings),
      ...(removed === undefined ? {} : { removed }),
      async close() {
        opened.close();
        lock.release();
      },
    };
  } catch (error) {
    db?.close();
    lock.release();
    throw error;
  }
}

async function makeStoreDirectory(storeDir: string): Promise<void> {
  try {
    await mkdir(storeDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new FindingsStoreError(`store ${storeDir} is not a directory (--store DIR names one)`, { cause: error });
    throw error;
  }
}

async function openDatabase(storeDir: string): Promise<Database.Database> {
  const path = join(storeDir, DATABASE_FILE);
  if (!existsSync(path)) {
    if (existsSync(join(storeDir, DYNALITE_DIR))) {
      throw recreateError(storeDir, `its findings are in ${join(storeDir, DYNALITE_DIR)}, the DynamoDB emulator files of earlier versions`);
    }
    await createDatabase(path);
  } else if ((await stat(path)).size === 0) {
    // A new store is written whole before it takes its name (createDatabase): an empty one lost its contents.
    throw damagedError(storeDir, `${path} is empty`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    prepareDatabase(db, storeDir);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof FindingsStoreError) throw error;
    const failure = sqliteFailure(error);
    if (failure?.kind === 'damaged') throw damagedError(storeDir, `${path}: ${failure.words}`, error);
    if (failure !== undefined) throw new FindingsStoreError(`store ${storeDir} cannot be opened: ${failure.words}`, { cause: error });
    throw error;
  }
}

/**
 * A new database, made under a temporary name and renamed into place once its tables exist, so a
 * `findings.db` is never an empty file unless something emptied it.
 */
async function createDatabase(path: string): Promise<void> {
  const draft = `${path}.new`;
  await rm(draft, { force: true });
  const db = new Database(draft);
  try {
    db.transaction(() => {
      for (const statement of creationStatements()) db.exec(statement);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } finally {
    db.close();
  }
  await rename(draft, path);
}

function prepareDatabase(db: Database.Database, storeDir: string): void {
  // WAL: a reader (a person's sqlite3 shell) never blocks the replay writing, nor the other way round.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) throw recreateError(storeDir, `it was made by a newer iam-warden (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  if (version === 0) {
    throw new FindingsStoreError(
      `store ${storeDir} is not iam-warden's: ${join(storeDir, DATABASE_FILE)} is an SQLite database it did not make; use another --store DIR`,
    );
  }
  db.transaction(() => addMissingColumns(db, (reason) => recreateError(storeDir, reason))).immediate();
}

function recreateError(storeDir: string, reason: string): FindingsStoreError {
  return new FindingsStoreError(
    `store ${storeDir} cannot be read by this iam-warden (${reason}): replay your CloudTrail logs into a new one with ` +
      `\`warden replay PATH... --store ${storeDir} --reset-store\` (which removes its files), or use another --store DIR`,
  );
}

function damagedError(storeDir: string, what: string, cause?: unknown): FindingsStoreError {
  return new FindingsStoreError(
    `store ${storeDir} is damaged (${what}): restore it from a copy, or replay your CloudTrail logs into it afresh with ` +
      `\`warden replay PATH... --store ${storeDir} --reset-store\``,
    cause === undefined ? undefined : { cause },
  );
}

// ---- reset ---------------------------------------------------------------------------------------

/** The files a store is made of, by name; its lock is not among them: it is held while they go. */
const STORE_FILES = new Set([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, `${DATABASE_FILE}-journal`, `${DATABASE_FILE}.new`, OLD_LOCK_FILE]);
/** The file names of LevelDB, which dynalite (the earlier store) kept under dynamodb/. */
const LEVELDB_FILE = /^(?:CURRENT|LOCK|LOG|LOG\.old|MANIFEST-\d+|\d+\.(?:log|ldb|sst))$/;

/**
 * Removes the store's own files (the caller holds its lock) and returns their names; anything else
 * in the directory is left alone. A `findings.db` that is an SQLite database of something else is
 * not iam-warden's to remove: nothing is removed then.
 */
async function resetStore(storeDir: string): Promise<string[]> {
  const entries = await readdir(storeDir, { withFileTypes: true });
  const removable: string[] = [];
  for (const entry of entries) {
    if (entry.isFile() && STORE_FILES.has(entry.name)) removable.push(entry.name);
    else if (entry.isDirectory() && entry.name === DYNALITE_DIR && (await readdir(join(storeDir, entry.name))).every((name) => LEVELDB_FILE.test(name)))
      removable.push(`${entry.name}/`);
  }
  const database = join(storeDir, DATABASE_FILE);
  if (removable.includes(DATABASE_FILE) && (await isForeignDatabase(database))) {
    throw new FindingsStoreError(`--reset-store removes only iam-warden's files, and ${database} is an SQLite database it did not make: nothing was removed`);
  }
  for (const name of removable) await rm(join(storeDir, name), { recursive: true, force: true });
  return removable;
}

/** An SQLite database without this store's tables (a damaged file or an empty one is the store's own). */
async function isForeignDatabase(path: string): Promise<boolean> {
  const handle = await openFile(path, 'r');
  let header: Buffer;
  try {
    ({ buffer: header } = await handle.read(Buffer.alloc(16), 0, 16, 0));
  } finally {
    await handle.close();
  }
  if (header.toString('latin1') !== 'SQLite format 3\0') return false;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'").get() === undefined;
    } finally {
      db.close();
    }
  } catch {
    // Unreadable past its header: damaged, and so the store's own to remove.
    return false;
  }
}

// ---- lock ----------------------------------------------------------------------------------------

interface StoreLock {
  release(): void;
}

interface Holder {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** How long to keep trying while another process is between two steps of taking the lock. */
const LOCK_ATTEMPTS = 40;

/**
 * Takes `DIR/lock.db`: one process at a time writes a store, so its batches need no conditional
 * writes. The lock is SQLite's own write lock on that file (BEGIN IMMEDIATE, held until release),
 * which the operating system drops when its process ends however it ends: a lock is never stale,
 * whatever happens to the pid, and two processes starting at once cannot both pass. The file also
 * records who holds it (pid, host, since) so the one refused can say so: that row is written and
 * committed first, then the lock taken again and the row checked to still be ours.
 */
async function lockStore(storeDir: string): Promise<StoreLock> {
  const path = join(storeDir, LOCK_FILE);
  const token = randomUUID();
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt += 1) {
    const taken = takeLockOnce(path, token);
    if (taken.kind === 'held') return taken.lock;
    if (taken.kind === 'busy' && taken.holder !== undefined) throw inUseError(storeDir, taken.holder);
    // Between two steps of another opener (or a lock file replaced): try again shortly.
    await sleep(5 + Math.floor(Math.random() * 20));
  }
  throw new StoreInUseError(`store ${storeDir} is being opened by another process; try again`);
}

type LockAttempt =
  | { readonly kind: 'held'; readonly lock: StoreLock }
  | { readonly kind: 'busy'; readonly holder: Holder | undefined }
  | { readonly kind: 'retry' };

function takeLockOnce(path: string, token: string): LockAttempt {
  let opened: { readonly db: Database.Database; readonly inode: number } | undefined;
  try {
    opened = openLockFile(path);
  } catch (error) {
    throw lockFileError(path, error);
  }
  if (opened === undefined) return { kind: 'retry' };
  const { db, inode } = opened;
  const letGo = (result: LockAttempt): LockAttempt => {
    db.close();
    return result;
  };
  try {
    ensureHolderTable(db);
    if (!begin(db)) return letGo(othersHold(db, token));
    db.prepare('DELETE FROM holder').run();
    db.prepare('INSERT INTO holder (token, pid, host, since) VALUES (?, ?, ?, ?)').run(token, process.pid, hostname(), new Date().toISOString());
    db.pragma('busy_timeout = 2000');
    db.exec('COMMIT');
    db.pragma('busy_timeout = 0');
    if (!begin(db)) return letGo(othersHold(db, token));
    if (readHolder(db)?.token !== token || !sameFile(path, inode)) {
      db.exec('ROLLBACK');
      return letGo({ kind: 'retry' });
    }
  } catch (error) {
    db.close();
    // Another opener is committing its row, or a releasing holder removed the file under us (SQLite
    // then fails to open its journal beside it): try again.
    if (isTransient(error) || !sameFile(path, inode)) return { kind: 'retry' };
    throw lockFileError(path, error);
  }
  return {
    kind: 'held',
    lock: {
      release() {
        // Removed while still held, so whoever opened this file meanwhile finds it gone and starts again.
        try {
          unlinkSync(path);
        } catch {
          // Gone already, or a system that cannot remove an open file: an unheld lock file blocks nobody.
        }
        db.close();
      },
    },
  };
}

/**
 * The lock file (created empty when missing: an empty file is an empty SQLite database) and the inode
 * this connection has open, known because the path names the same file before and after the open;
 * undefined when the file was replaced meanwhile.
 */
function openLockFile(path: string): { readonly db: Database.Database; readonly inode: number } | undefined {
  const before = inodeOf(path);
  if (before === undefined) {
    closeSync(openSync(path, 'a'));
    return undefined;
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0, fileMustExist: true });
  } catch (error) {
    // A releasing holder removed the file (and another opener may have created the next one) between
    // the stat and the open: the race, not a fault; anything else (permissions, a full disk) is one.
    if ((error as { code?: unknown }).code === 'SQLITE_CANTOPEN' && inodeOf(path) !== before) return undefined;
    throw error;
  }
  if (inodeOf(path) === before) return { db, inode: before };
  db.close();
  return undefined;
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function ensureHolderTable(db: Database.Database): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'holder'").get() !== undefined) return;
  db.exec('CREATE TABLE IF NOT EXISTS holder (token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)');
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_READONLY_DBMOVED';
}

/** BEGIN IMMEDIATE: true when this connection now holds the write lock, false when another does. */
function begin(db: Database.Database): boolean {
  try {
    db.exec('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return false;
    throw error;
  }
}

/** Who holds the lock, when the row says so; a row of our own means the holder has not written its row yet. */
function othersHold(db: Database.Database, token: string): LockAttempt {
  const holder = readHolder(db);
  return holder === undefined || holder.token === token ? { kind: 'retry' } : { kind: 'busy', holder };
}

function readHolder(db: Database.Database): Holder | undefined {
  return db.prepare('SELECT token, pid, host, since FROM holder').get() as Holder | undefined;
}

/** The path still names the file this connection locked (a releasing holder removes it). */
function sameFile(path: string, inode: number): boolean {
  return inodeOf(path) === inode;
}

function inUseError(storeDir: string, holder: Holder): StoreInUseError {
  const who = `process ${holder.pid}${holder.pid === process.pid && holder.host === hostname() ? ' (this one)' : ` on ${holder.host}`}`;
  // The lock ends with its process: there is never a file to clear by hand, only a process to stop.
  return new StoreInUseError(
    `store ${storeDir} is in use by ${who} since ${holder.since} (the lock ends with it: to clear it now, stop it, kill ${holder.pid})`,
  );
}

function lockFileError(path: string, error: unknown): FindingsStoreError {
  const failure = sqliteFailure(error);
  const what = failure?.words ?? (error instanceof Error ? error.message : String(error));
  return new FindingsStoreError(`cannot take the store's lock ${path}: ${what}`, { cause: error });
}
