/**
 * `npm run bench`: every benchmark, one after another, each in its own Node process so that timings
 * and peak memory are its own. Each prints its figures; none asserts, none runs in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const BENCHMARKS = [
  'startup.ts',
  'replay.ts',
  'detections.ts',
  'many-findings.ts',
  'findings-list.ts',
  'keys-audit.ts',
  'cold-start.ts',
  'scan.ts',
  'replay-s3.ts',
];

let failed = 0;
for (const name of BENCHMARKS) {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (!existsSync(path)) continue;
  process.stdout.write(`\n== bench/${name}\n`);
  const result = spawnSync(process.execPath, [RUN_TS, path], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
