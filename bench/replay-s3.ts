// Replaying a trail's bucket in place (`warden replay s3://...`) against moto's S3 over HTTP: records
// per second and the replay's peak memory for a small and a four times larger bucket (the same files
// per object, as CloudTrail writes them), beside the same files replayed from the local disk. Memory
// should not grow with the number of objects. Each replay runs in its own process (the compiled CLI),
// so its peak RSS is its own. Prints; asserts nothing.
//
//   node bin/run-ts.js bench/replay-s3.ts [--records 50000] [--per-file 250]
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mapBounded } from '../shared/scan/concurrency.js';
import { startMoto } from '../test/support/moto.js';
import { writeCorpus } from './corpus.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '50000' }, 'per-file': { type: 'string', default: '250' } } });
const SMALL = Number(values.records);
const PER_FILE = Number(values['per-file']);
const WARDEN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
/** Printed by the replay's process as it exits: its own peak memory. */
const PRINT_PEAK_RSS = "data:text/javascript,process.on('exit',()=>process.stderr.write(`peak-rss-kib ${process.resourceUsage().maxRSS}\\n`))";

const moto = await startMoto();
const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, forcePathStyle: true });
const work = await mkdtemp(join(tmpdir(), 'warden-bench-s3-'));
try {
  process.stdout.write(`${PER_FILE} records per object; moto ${moto.endpoint}\n`);
  for (const [bucket, records] of [
    ['trail-small', SMALL],
    ['trail-large', SMALL * 4],
  ] as const) {
    const corpus = await writeCorpus(join(work, bucket), records, { recordsPerFile: PER_FILE });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const files = await filesUnder(corpus.directory);
    await mapBounded(files, 16, async (file) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: relative(corpus.directory, file), Body: await readFile(file) })),
    );
    const fromS3 = await replay(`s3://${bucket}/AWSLogs/`, join(work, `${bucket}-store-s3`));
    const fromDisk = await replay(corpus.directory, join(work, `${bucket}-store-disk`));
    process.stdout.write(
      `${bucket}: ${records.toLocaleString('en-US')} records in ${files.length} objects (${(corpus.bytes / 2 ** 20).toFixed(1)} MiB gzip)\n` +
        `  from S3:   ${fromS3.seconds.toFixed(1)} s, ${Math.round(records / fromS3.seconds).toLocaleString('en-US')} records/s, peak RSS ${fromS3.peakMiB.toFixed(0)} MiB\n` +
        `  from disk: ${fromDisk.seconds.toFixed(1)} s, ${Math.round(records / fromDisk.seconds).toLocaleString('en-US')} records/s, peak RSS ${fromDisk.peakMiB.toFixed(0)} MiB\n`,
    );
  }
} finally {
  s3.destroy();
  await moto.stop();
  await rm(work, { recursive: true, force: true });
}

/** The replay runs asynchronously: a parent blocked in spawnSync would stop draining moto's log pipe, and moto would hang on it. */
async function replay(input: string, store: string): Promise<{ seconds: number; peakMiB: number }> {
  const started = performance.now();
  let stderr: string;
  try {
    ({ stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', PRINT_PEAK_RSS, WARDEN, 'replay', input, '--store', store, '--alerts', 'none', '--trusted-accounts', '444455556666'],
      {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        env: { ...process.env, AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' },
      },
    ));
  } catch (error) {
    throw new Error(`replay of ${input} failed: ${String((error as { stderr?: string }).stderr ?? error).slice(-500)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const peak = /peak-rss-kib (\d+)/.exec(stderr);
  if (peak === null) throw new Error(`replay of ${input} printed no peak memory: ${stderr.slice(-500)}`);
  return { seconds, peakMiB: Number(peak[1]) / 1024 };
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
