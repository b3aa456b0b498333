/**
 * Start-up of the `warden` command as a user runs it (bin/warden.js, the compiled CLI in dist/cli/),
 * as a ratio to a bare `node -e 0` measured on the same machine in the same run. Targets: `warden
 * --help` and `warden rules` within 3x, the demo replay (`npm start`'s command, without npm's own
 * start-up) within 5x. Every command runs in a fresh process, the four interleaved round after
 * round, so a slow moment of a shared machine weighs on all of them alike; the figure is the median.
 *
 *   node bin/run-ts.js bench/startup.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCli, loadedBy } from '../scripts/build.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(3, Number(values.runs));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WARDEN = join(ROOT, 'bin', 'warden.js');
const store = await mkdtemp(join(tmpdir(), 'warden-bench-startup-'));

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Times `node -e 0`, or undefined for the baseline itself. */
  readonly target?: number;
  /** The chunks the command imports, by the source path of each (see loadedBy). */
  readonly loads?: readonly string[];
}

const CLI = ['shared/cli/main.ts'];
const CASES: readonly Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'warden --help', args: [WARDEN, '--help'], target: 3, loads: CLI },
  { name: 'warden rules', args: [WARDEN, 'rules'], target: 3, loads: [...CLI, 'shared/cli/commands/rules.ts', 'shared/cli/dependencies.ts'] },
  {
    name: 'demo replay (npm start)',
    args: [WARDEN, 'replay', 'demo/trail', '--store', store, '--reset-store', '--config', 'demo/warden.config.json'],
    target: 5,
    loads: [...CLI, 'shared/cli/commands/replay.ts', 'shared/cli/dependencies.ts', 'shared/findings/open.ts', 'shared/findings/sqlite/open.ts'],
  },
];

/** Wall time of one fresh process, spawn to exit; it must succeed. */
function timeOnce(args: readonly string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${run.status}: ${run.stderr.slice(0, 2000)}`);
  return elapsed;
}

const median = (numbers: readonly number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

try {
  // A fresh build first, so no run below pays for a rebuild; its chunk graph tells what each command loads.
  const { metafile } = await buildCli();
  for (const { args } of CASES) timeOnce(args); // warm the file cache
  const samples = CASES.map(() => [] as number[]);
  for (let round = 0; round < runs; round += 1) {
    for (const [index, { args }] of CASES.entries()) samples[index]?.push(timeOnce(args));
  }
  const baseline = median(samples[0] ?? []);

  process.stdout.write(`start-up, median of ${runs} fresh processes each, interleaved (Node ${process.version}, ${process.arch})\n`);
  process.stdout.write(`${'command'.padEnd(26)} ${'time'.padStart(8)}  ${'ratio'.padStart(6)}  target   ${'loads'.padStart(9)}\n`);
  CASES.forEach(({ name, target, loads }, index) => {
    const time = median(samples[index] ?? []);
    const ratio = time / baseline;
    const verdict = target === undefined ? '' : `<= ${target}x ${ratio <= target ? 'meets' : 'MISSED'}`;
    const loaded = loads === undefined ? '' : `${(loadedBy(metafile, loads).bytes / 1024).toFixed(0)} KiB`;
    process.stdout.write(
      `${name.padEnd(26)} ${`${time.toFixed(0)} ms`.padStart(8)}  ${`${ratio.toFixed(2)}x`.padStart(6)}  ${verdict.padEnd(14)} ${loaded.padStart(9)}\n`,
    );
  });
  process.stdout.write('time: spawn to exit, bin/warden.js included (in a checkout it also checks the build against the sources).\n');
  process.stdout.write('loads: compiled JavaScript the command imports (better-sqlite3, a native module, aside).\n');
} finally {
  await rm(store, { recursive: true, force: true });
}
