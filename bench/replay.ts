/**
 * Replay throughput beside its floor, and peak memory as the corpus grows (issue: "Speed").
 *
 *   node bin/run-ts.js bench/replay.ts [RECORDS]      (default 200,000; memory also at 5x)
 *
 * Each measurement runs in a fresh Node process so its peak RSS is its own: the floor (read, gunzip,
 * JSON.parse, nothing else) and the replay (the same files through the reader, every detection and
 * the embedded findings table, exactly as `warden replay` does, minus printing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORPUS_VERSION, writeCorpus } from './corpus.js';
import { measureReadFloor } from './read-floor.js';

const CORPUS_ROOT = fileURLToPath(new URL('./.corpus/', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface Measurement {
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

/** Runs in the child: one measurement of one mode over one corpus. */
async function measure(mode: 'floor' | 'replay', directory: string): Promise<Measurement> {
  if (mode === 'floor') {
    const floor = await measureReadFloor(directory);
    return { records: floor.records, recordsPerSecond: floor.recordsPerSecond, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  const { replay } = await import('../shared/replay/replay.js');
  const { DetectionEngine } = await import('../shared/detections/engine.js');
  const { catalogue } = await import('../shared/detections/catalogue.js');
  const { openFindingsStore } = await import('../shared/findings/open.js');
  const storeDir = await mkdtemp(join(tmpdir(), 'warden-bench-store-'));
  const opened = await openFindingsStore({ storeDir });
  try {
    const started = performance.now();
    const stats = await replay({ inputs: [directory], engine: new DetectionEngine(catalogue), store: opened.store });
    const elapsed = performance.now() - started;
    return { records: stats.records, recordsPerSecond: (stats.records / elapsed) * 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await opened.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

function inChild(mode: 'floor' | 'replay', directory: string): Measurement {
  const output = execFileSync(process.execPath, [RUN_TS, SELF, '--child', mode, directory], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measurement;
}

const RUNS = 3;

function median(measurements: readonly Measurement[]): Measurement {
  const sorted = [...measurements].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return { ...middle, peakRssMb: Math.max(...measurements.map((m) => m.peakRssMb)) };
}

async function corpusOf(records: number): Promise<string> {
  const directory = join(CORPUS_ROOT, `${records}-v${CORPUS_VERSION}`);
  if (!existsSync(join(directory, '.complete'))) {
    process.stderr.write(`writing a ${records.toLocaleString('en-US')}-record corpus under ${directory}...\n`);
    await rm(directory, { recursive: true, force: true });
    await writeCorpus(directory, records);
    execFileSync('touch', [join(directory, '.complete')]);
  }
  return directory;
}

export async function benchReplay(records = 200_000): Promise<void> {
  const rows: string[] = [];
  const format = (m: Measurement) =>
    `${Math.round(m.recordsPerSecond).toLocaleString('en-US').padStart(9)} rec/s  peak ${m.peakRssMb.toFixed(0).padStart(4)} MB`;
  for (const size of [records, records * 5]) {
    const directory = await corpusOf(size);
    // Interleaved runs, median of each: one slow moment of a shared machine does not decide the figure.
    const floors: Measurement[] = [];
    const replays: Measurement[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      floors.push(inChild('floor', directory));
      replays.push(inChild('replay', directory));
    }
    const floor = median(floors);
    const replayed = median(replays);
    const ratio = (replayed.recordsPerSecond / floor.recordsPerSecond) * 100;
    const verdict = ratio >= 70 ? 'meets the 70% target' : 'BELOW the 70% target';
    rows.push(
      `${size.toLocaleString('en-US').padStart(9)} records   floor ${format(floor)}   replay ${format(replayed)}   replay/floor ${ratio.toFixed(0)}% (${verdict})`,
    );
  }
  process.stdout.write(
    `replay throughput (median of ${RUNS} runs) and peak memory (highest) (target: replay >= 70% of floor; peak memory flat as the corpus grows)\n${rows.join('\n')}\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(`${JSON.stringify(await measure(args[1] as 'floor' | 'replay', args[2] ?? ''))}\n`);
  } else {
    await benchReplay(args[0] === undefined ? undefined : Number(args[0]));
  }
}
