/**
 * The floor a replay is measured against: read every file under a directory, gunzip it, JSON.parse
 * it and touch each record, nothing else (no shape checks, no rules, no writes). Files are taken one
 * at a time in sorted order, as a replay takes them.
 *
 *   node bin/run-ts.js bench/read-floor.ts DIR
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface FloorResult {
  readonly files: number;
  readonly records: number;
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
}

export async function measureReadFloor(directory: string): Promise<FloorResult> {
  const started = performance.now();
  let files = 0;
  let records = 0;
  let touched = 0;
  for await (const file of gzipFilesUnder(directory)) {
    const compressed = await readFile(file);
    const text = (compressed[0] === 0x1f && compressed[1] === 0x8b ? gunzipSync(compressed) : compressed).toString('utf8');
    const document = JSON.parse(text) as { Records?: unknown };
    const list = Array.isArray(document.Records) ? (document.Records as { eventName?: unknown }[]) : [];
    for (const record of list) {
      // Touch each record so the work cannot be skipped.
      if (typeof record.eventName === 'string') touched += record.eventName.length;
      records += 1;
    }
    files += 1;
  }
  const elapsedMs = performance.now() - started;
  if (touched < 0) throw new Error('unreachable');
  return { files, records, elapsedMs, recordsPerSecond: elapsedMs > 0 ? (records / elapsedMs) * 1000 : 0 };
}

async function* gzipFilesUnder(directory: string): AsyncGenerator<string> {
  const entries = (await readdir(directory, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.'));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* gzipFilesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [directory] = process.argv.slice(2);
  if (directory === undefined) {
    process.stderr.write('usage: node bin/run-ts.js bench/read-floor.ts DIR\n');
    process.exit(64);
  }
  process.stdout.write(`${JSON.stringify(await measureReadFloor(directory))}\n`);
}
