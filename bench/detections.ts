/**
 * The cost of the detections alone: every record of the benchmark corpus, already parsed and in
 * memory, through the engine with the whole catalogue (no reading, no store). Shows what a larger
 * catalogue costs per record, apart from the findings it raises.
 *
 *   node bin/run-ts.js bench/detections.ts [RECORDS] [--root DIR]
 *
 * `--root DIR` measures the catalogue of another checkout (an older commit, say) on this corpus.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CORPUS_VERSION, writeCorpus } from './corpus.js';

const RUNS = 5;

async function recordsOf(directory: string): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.json.gz'))
        records.push(...(JSON.parse(gunzipSync(await readFile(path)).toString('utf8')) as { Records: Record<string, unknown>[] }).Records);
    }
  };
  await walk(directory);
  return records;
}

interface Engine {
  evaluate(record: unknown): { detected: readonly unknown[] };
}

export async function benchDetections(count = 200_000, root = resolve(import.meta.dirname, '..')): Promise<void> {
  const directory = join(import.meta.dirname, '.corpus', `${count}-v${CORPUS_VERSION}-detections`);
  await writeCorpus(directory, count);
  const records = await recordsOf(directory);
  const { catalogue } = (await import(pathToFileURL(join(root, 'shared/detections/catalogue.ts')).href)) as { catalogue: readonly unknown[] };
  const { DetectionEngine } = (await import(pathToFileURL(join(root, 'shared/detections/engine.ts')).href)) as {
    DetectionEngine: new (catalogue: readonly unknown[]) => Engine;
  };
  const engine = new DetectionEngine(catalogue);
  const rates: number[] = [];
  let detected = 0;
  for (let run = 0; run < RUNS; run += 1) {
    detected = 0;
    const started = performance.now();
    for (const record of records) detected += engine.evaluate(record).detected.length;
    rates.push((records.length / (performance.now() - started)) * 1000);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  process.stdout.write(
    `detections alone (${root}): ${catalogue.length} rules, ${records.length.toLocaleString('en-US')} records, ` +
      `${detected.toLocaleString('en-US')} detections, median of ${RUNS} runs ${Math.round(median).toLocaleString('en-US')} records/s\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = rootAt === -1 ? undefined : args[rootAt + 1];
  const count = args.find((arg, index) => /^\d+$/.test(arg) && args[index - 1] !== '--root');
  await benchDetections(count === undefined ? undefined : Number(count), root === undefined ? undefined : resolve(root));
}
