/**
 * What an SQLite error means to the person running warden, by its result code
 * (https://www.sqlite.org/rescode.html): free of better-sqlite3 itself, so the command line can explain
 * a failure without loading the embedded store.
 */
export interface SqliteFailure {
  /** `damaged`: the database file is not one, or is corrupt; the rest are faults around it. */
  readonly kind: 'damaged' | 'full' | 'io' | 'read-only' | 'cannot-open' | 'busy';
  /** In a few words, with the code: "the disk is full (SQLITE_FULL)". */
  readonly words: string;
}

const KINDS: readonly (readonly [string, SqliteFailure['kind'], string])[] = [
  ['SQLITE_NOTADB', 'damaged', 'the file is not an SQLite database'],
  ['SQLITE_CORRUPT', 'damaged', 'the database is corrupt'],
  ['SQLITE_FULL', 'full', 'the disk is full'],
  ['SQLITE_IOERR', 'io', 'the disk failed to read or write'],
  ['SQLITE_READONLY', 'read-only', 'the files cannot be written'],
  ['SQLITE_CANTOPEN', 'cannot-open', 'the files cannot be opened'],
  ['SQLITE_PERM', 'cannot-open', 'the files cannot be opened'],
  ['SQLITE_BUSY', 'busy', 'another program holds the database'],
];

/** The failure an SQLite error stands for, or undefined for any other error. */
export function sqliteFailure(error: unknown): SqliteFailure | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const known = KINDS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  if (known === undefined) return undefined;
  return { kind: known[1], words: `${known[2]} (${code})` };
}
