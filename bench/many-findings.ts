/**
 * Peak memory as the number of distinct findings grows: a replay of 260,000 records of which 10,000,
 * 20,000 or 40,000 each raise a finding of their own (an access key created for a different user each
 * time), the rest events no rule listens to. Each size runs in a fresh process so its peak RSS is its own.
 *
 *   node bin/run-ts.js bench/many-findings.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const RECORDS = 260_000;
const PER_FILE = 5_000;
const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** A trail where every `every`-th record is CreateAccessKey for a new user (a new finding), the rest AssumeRole. */
async function writeTrail(directory: string, findings: number): Promise<void> {
  const every = Math.floor(RECORDS / findings);
  const actor = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/admin', accountId: '111122223333', userName: 'admin' };
  for (let start = 0, file = 0; start < RECORDS; start += PER_FILE, file += 1) {
    const records = Array.from({ length: Math.min(PER_FILE, RECORDS - start) }, (_, offset) => {
      const index = start + offset;
      const raises = index % every === 0;
      const user = `user-${index}`;
      return {
        eventVersion: '1.09',
        eventID: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        eventTime: new Date(Date.UTC(2026, 10, 2) + index * 100).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: raises ? 'iam.amazonaws.com' : 'sts.amazonaws.com',
        eventName: raises ? 'CreateAccessKey' : 'AssumeRole',
        awsRegion: 'us-east-1',
        recipientAccountId: '111122223333',
        userIdentity: actor,
        sourceIPAddress: '203.0.113.7',
        userAgent: 'aws-cli/2.17.5',
        requestParameters: raises ? { userName: user } : { roleArn: 'arn:aws:iam::111122223333:role/Deployer', roleSessionName: 's' },
        responseElements: raises ? { accessKey: { userName: user, accessKeyId: `AKIA${String(index).padStart(16, '0')}`, status: 'Active' } } : null,
      };
    });
    const path = join(directory, `trail-${String(file).padStart(4, '0')}.json.gz`);
    await writeFile(path, gzipSync(JSON.stringify({ Records: records })));
  }
}

/** In the child: one replay into a new embedded store. */
async function measure(directory: string): Promise<{ findings: number; peakRssMb: number; seconds: number }> {
  const { replay } = await import('../shared/replay/replay.js');
  const { DetectionEngine } = await import('../shared/detections/engine.js');
  const { catalogue } = await import('../shared/detections/catalogue.js');
  const { openFindingsStore } = await import('../shared/findings/open.js');
  const storeDir = await mkdtemp(join(tmpdir(), 'warden-bench-many-'));
  const opened = await openFindingsStore({ storeDir });
  const started = performance.now();
  let findings = 0;
  try {
    await replay({
      inputs: [directory],
      engine: new DetectionEngine(catalogue),
      store: opened.store,
      async onFindingsWritten(written) {
        findings += written.filter((change) => change.outcome === 'opened').length;
      },
    });
  } finally {
    await opened.close();
    await rm(storeDir, { recursive: true, force: true });
  }
  return { findings, peakRssMb: process.resourceUsage().maxRSS / 1024, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    process.stdout.write(`${JSON.stringify(await measure(process.argv[3] ?? ''))}\n`);
  } else {
    const rows: string[] = [];
    for (const findings of [10_000, 20_000, 40_000]) {
      const directory = await mkdtemp(join(tmpdir(), 'warden-bench-trail-'));
      await mkdir(directory, { recursive: true });
      await writeTrail(directory, findings);
      const result = JSON.parse(execFileSync(process.execPath, [RUN_TS, SELF, '--child', directory], { encoding: 'utf8' })) as Awaited<
        ReturnType<typeof measure>
      >;
      await rm(directory, { recursive: true, force: true });
      rows.push(
        `${RECORDS.toLocaleString('en-US')} records, ${result.findings.toLocaleString('en-US').padStart(6)} findings opened: peak ${result.peakRssMb.toFixed(0)} MB, ${result.seconds.toFixed(1)} s`,
      );
    }
    process.stdout.write(`replay peak memory as distinct findings grow (embedded SQLite store)\n${rows.join('\n')}\n`);
  }
}
