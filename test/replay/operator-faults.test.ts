// What an operator can get wrong around a replay, and what the store's surroundings can do to it: a
// reset pointed at the wrong directory or run beside another replay, starts racing for the lock, a
// lock left by a dead process, a damaged store, a full disk, an input that does not exist.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainFailure } from '../../shared/cli/main.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { DATABASE_FILE, LOCK_FILE, openEmbeddedStore } from '../../shared/findings/sqlite/open.js';
import { runWarden } from '../support/cli.js';

const run = promisify(execFile);
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const CONTENDER = fileURLToPath(new URL('./lock-contender.ts', import.meta.url));

let work: string;
let store: string;
let trail: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'warden-faults-'));
  store = join(work, 'store');
  trail = join(work, 'trail.json');
  await writeFile(trail, JSON.stringify({ Records: [rootKeyExamples.positive[0]!.record] }));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const replayInto = (...extra: string[]) => runWarden(['replay', trail, '--store', store, '--alerts', 'none', '--trusted-accounts', '444455556666', ...extra]);
const listFindings = () => runWarden(['findings', 'list', '--store', store, '--json']);

describe('--reset-store', () => {
  it("removes only the store's own files, says which, and leaves everything else in the directory", async () => {
    await replayInto();
    await writeFile(join(store, 'notes.txt'), 'not a store file');
    await mkdir(join(store, 'demo'));
    await writeFile(join(store, 'demo', 'keep.json'), '{}');

    const reset = await replayInto('--reset-store');

    expect(reset.code).toBe(0);
    expect(reset.stderr).toContain(`reset store ${store}: removed ${DATABASE_FILE}\n`);
    expect((await readdir(store)).sort()).toEqual(['demo', DATABASE_FILE, 'notes.txt']);
    expect(await readdir(join(store, 'demo'))).toEqual(['keep.json']);
    expect((await listFindings()).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('waits for its turn: beside another warden holding the store it exits 75 and removes nothing', async () => {
    await replayInto();
    const other = await openEmbeddedStore(store);

    const reset = await replayInto('--reset-store');
    await other.close();

    expect(reset.code).toBe(75);
    expect((await listFindings()).stdout).toContain('root-access-key-created');
  });

  it('removes the DynamoDB emulator files an earlier version kept, as the refusal to read them advises', async () => {
    await mkdir(join(store, 'dynamodb'), { recursive: true });
    await writeFile(join(store, 'dynamodb', 'CURRENT'), 'MANIFEST-000001\n');
    await writeFile(join(store, 'dynamodb', 'MANIFEST-000001'), '');

    const refused = await replayInto();
    const reset = await replayInto('--reset-store');

    expect(refused.code).toBe(70);
    expect(refused.stderr).toContain('--reset-store');
    expect(reset.code).toBe(0);
    expect(reset.stderr).toContain(`reset store ${store}: removed dynamodb/\n`);
    expect(await readdir(store)).toEqual([DATABASE_FILE]);
  });

  it('will not remove an SQLite database it did not make', async () => {
    await mkdir(store);
    const foreign = new Database(join(store, DATABASE_FILE));
    foreign.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
    foreign.close();

    const reset = await replayInto('--reset-store');

    expect(reset.code).toBe(70);
    expect(reset.stderr).toContain('is an SQLite database it did not make: nothing was removed');
    const kept = new Database(join(store, DATABASE_FILE), { readonly: true });
    expect(kept.prepare('SELECT text FROM notes').all()).toEqual([{ text: 'mine' }]);
    kept.close();
  });
});

describe('the lock', () => {
  it('explains a held lock: which process, since when, and how to clear it', async () => {
    const held = await openEmbeddedStore(store);

    const refused = await replayInto();
    await held.close();

    expect(refused.code).toBe(75);
    expect(refused.stderr).toMatch(
      new RegExp(
        `in use by process ${process.pid} \\(this one\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(the lock ends with it: to clear it now, stop it, kill ${process.pid}\\); try again when it is done\n`,
      ),
    );
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is free at once when its process is gone, whatever program its pid names now', async () => {
    await mkdir(store);
    // The pid file of earlier versions, naming a live process (ours: a reused pid), and a lock file
    // whose holder row names another live one but which nobody holds.
    await writeFile(join(store, 'warden.lock'), String(process.pid));
    const stale = new Database(join(store, LOCK_FILE));
    stale.exec(
      "CREATE TABLE holder (token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL); INSERT INTO holder VALUES ('old', 1, 'here', '2020-01-01T00:00:00Z')",
    );
    stale.close();

    const replayed = await replayInto();

    expect(replayed.code).toBe(0);
    expect((await listFindings()).stdout).toContain('root-access-key-created');
  });

  it('lets one process at a time through when several start at once over a stale lock; the others are told it is in use', async () => {
    await mkdir(store);
    await writeFile(join(store, 'warden.lock'), '999999999');
    const startAt = Date.now() + 2_500;

    const outputs = await Promise.all(
      [1, 2, 3].map(async () => {
        const { stdout } = await run(process.execPath, [RUN_TS, CONTENDER, store, String(startAt), '1500'], { maxBuffer: 1 << 20 });
        return JSON.parse(stdout) as { held: [number, number][]; refusals: string[] };
      }),
    );

    const holds = outputs.flatMap((output) => output.held).sort((a, b) => a[0] - b[0]);
    const overlapping = holds.filter((hold, index) => index > 0 && hold[0] < (holds[index - 1]?.[1] ?? 0));
    expect(holds.length).toBeGreaterThan(3);
    expect(overlapping).toEqual([]);
    expect(outputs.flatMap((output) => output.refusals).filter((refusal) => refusal !== 'in use')).toEqual([]);
  }, 60_000);
});

describe('a store in trouble', () => {
  it.each([
    [
      'not a database',
      () => writeFile(join(store, DATABASE_FILE), 'these bytes are not SQLite'.repeat(200)),
      'the file is not an SQLite database (SQLITE_NOTADB)',
    ],
    ['emptied', () => writeFile(join(store, DATABASE_FILE), ''), 'is empty'],
  ])('says in one line that a store whose database is %s is damaged (exit 70), never that it is empty', async (_case, damage, what) => {
    await replayInto();
    await damage();

    const listed = await runWarden(['findings', 'list', '--store', store]);
    const replayed = await replayInto();

    for (const result of [listed, replayed]) {
      expect(result.code).toBe(70);
      expect(result.stdout).not.toContain('no findings');
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`store ${store} is damaged \\(.*${what.replace(/[()]/g, '\\$&')}.*--reset-store`));
    }
  });

  it('says in one line that the disk is full when the store cannot write, and exits 70', () => {
    // A real SQLite error: a database allowed one page past its first table.
    const db = new Database(':memory:');
    db.exec('CREATE TABLE filler (text TEXT)');
    db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 1}`);
    let full: unknown;
    try {
      for (let row = 0; row < 100; row += 1) db.prepare('INSERT INTO filler VALUES (?)').run('x'.repeat(4_000));
    } catch (error) {
      full = error;
    }
    db.close();

    const [message, code] = explainFailure(full);

    expect(code).toBe(70);
    expect(message).toMatch(/^the embedded store failed: the disk is full \(SQLITE_FULL\); /);
    expect(message).not.toContain('\n');
  });
});

describe('inputs', () => {
  it('exits 66 for an input that does not exist, after reading the others', async () => {
    const missing = join(work, 'missing.json');

    const replayed = await runWarden(['replay', missing, trail, '--store', store, '--json', '--trusted-accounts', '444455556666']);

    expect(replayed.code).toBe(66);
    expect(replayed.stderr).toContain(`skipped ${missing}: cannot read: no such file or directory`);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ruleId: 'root-access-key-created' });
    expect(existsSync(join(store, DATABASE_FILE))).toBe(true);
  });

  it('still exits 1 for --fail-on, which wins over a missing input', async () => {
    const replayed = await runWarden(['replay', join(work, 'missing.json'), trail, '--store', store, '--fail-on', 'high', '--alerts', 'none']);

    expect(replayed.code).toBe(1);
  });
});
