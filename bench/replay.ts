/**
 * Replay throughput beside its floor, and peak memory as the corpus grows. Targets: the replay runs
 * at 85% of the floor or more, and its peak memory stays within the floor's plus 64 MB, at both sizes
 * (so it is flat as the corpus grows five-fold).
 *
 *   node bin/run-ts.js bench/replay.ts [RECORDS]      (default 200,000; memory also at 5x)
 *
 * Each measurement runs in a fresh Node process so its peak RSS is its own: the floor (read, gunzip,
 * JSON.parse, nothing else) and the replay (the same files through the reader, every detection and
 * the embedded findings table, exactly as `warden replay` does, minus printing). Between them, to
 * tell where the replay's time goes: the reader alone, and the reader with every detection but no
 * findings table.
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

const MODES = ['floor', 'read', 'detect', 'replay'] as const;
type Mode = (typeof MODES)[number];

/** Runs in the child: one measurement of one mode over one corpus. */
async function measure(mode: Mode, directory: string): Promise<Measurement> {
  const measured = (records: number, started: number): Measurement => ({
    records,
    recordsPerSecond: (records / (performance.now() - started)) * 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });
  if (mode === 'floor') {
    const floor = await measureReadFloor(directory);
    return { records: floor.records, recordsPerSecond: floor.recordsPerSecond, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  if (mode === 'read') {
    const { readCloudTrail } = await import('../shared/cloudtrail/read.js');
    const started = performance.now();
    let records = 0;
    for await (const _ of readCloudTrail([directory], { onProblem() {} })) records += 1;
    return measured(records, started);
  }
  const { replay } = await import('../shared/replay/replay.js');
  const { DetectionEngine } = await import('../shared/detections/engine.js');
  const { catalogue } = await import('../shared/detections/catalogue.js');
  if (mode === 'detect') {
    const started = performance.now();
    const stats = await replay({ inputs: [directory], engine: new DetectionEngine(catalogue) });
    return measured(stats.records, started);
  }
  const { openFindingsStore } = await import('../shared/findings/open.js');
  const storeDir = await mkdtemp(join(tmpdir(), 'warden-bench-store-'));
  const opened = await openFindingsStore({ storeDir });
  try {
    const started = performance.now();
    const stats = await replay({ inputs: [directory], engine: new DetectionEngine(catalogue), store: opened.store });
    return measured(stats.records, started);
  } finally {
    await opened.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

function inChild(mode: Mode, directory: string): Measurement {
  const output = execFileSync(process.execPath, [RUN_TS, SELF, '--child', mode, directory], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measurement;
}

const RUNS = 3;

function median(measurements: readonly Measurement[]): Measurement {
  const sorted = [...measurements].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return { ...middle, peakRssMb: Math.max(...measurements.map((m) => m.peakRssMb)) };
}

/** The share of the floor's throughput a replay must reach, and the memory it may use above the floor's. */
const THROUGHPUT_TARGET = 0.85;
const MEMORY_MARGIN_MB = 64;

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
  const replayPeaks: number[] = [];
  const format = (m: Measurement) =>
    `${Math.round(m.recordsPerSecond).toLocaleString('en-US').padStart(9)} rec/s  peak ${m.peakRssMb.toFixed(0).padStart(4)} MB`;
  for (const size of [records, records * 5]) {
    const directory = await corpusOf(size);
    // Interleaved runs, median of each: one slow moment of a shared machine does not decide the figure.
    const runs = new Map<Mode, Measurement[]>(MODES.map((mode) => [mode, []]));
    for (let run = 0; run < RUNS; run += 1) for (const mode of MODES) runs.get(mode)?.push(inChild(mode, directory));
    const [floor, read, detect, replayed] = MODES.map((mode) => median(runs.get(mode) ?? []));
    if (floor === undefined || read === undefined || detect === undefined || replayed === undefined) throw new Error('a mode was not measured');
    const share = (m: Measurement) => `${((m.recordsPerSecond / floor.recordsPerSecond) * 100).toFixed(0)}%`;
    const ratio = replayed.recordsPerSecond / floor.recordsPerSecond;
    const extraMb = replayed.peakRssMb - floor.peakRssMb;
    replayPeaks.push(replayed.peakRssMb);
    const speed = ratio >= THROUGHPUT_TARGET ? 'meets' : 'BELOW';
    const memory = extraMb <= MEMORY_MARGIN_MB ? 'meets' : 'ABOVE';
    rows.push(
      `${size.toLocaleString('en-US').padStart(9)} records   floor ${format(floor)}   replay ${format(replayed)}   replay/floor ${(ratio * 100).toFixed(0)}% (${speed})   memory floor+${extraMb.toFixed(0)} MB (${memory})`,
      `${' '.repeat(19)}of the floor: the reader alone ${share(read)}, with every detection ${share(detect)}, with the findings table too ${share(replayed)}`,
    );
  }
  process.stdout.write(
    `replay throughput (median of ${RUNS} runs) and peak memory (highest); targets: replay >= ${THROUGHPUT_TARGET * 100}% of the floor, peak <= floor + ${MEMORY_MARGIN_MB} MB\n${rows.join('\n')}\nreplay peak memory from ${records.toLocaleString('en-US')} to ${(records * 5).toLocaleString('en-US')} records: ${((replayPeaks[1] ?? 0) - (replayPeaks[0] ?? 0)).toFixed(0)} MB more\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(`${JSON.stringify(await measure(args[1] as Mode, args[2] ?? ''))}\n`);
  } else {
    await benchReplay(args[0] === undefined ? undefined : Number(args[0]));
  }
}
