import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCorpus } from '../../bench/corpus.js';
import { measureReadFloor } from '../../bench/read-floor.js';
import { collect, useTempDir } from './read-helpers.js';

const tempDir = useTempDir();

describe('the benchmark corpus', () => {
  it('writes gzip CloudTrail log files in the AWSLogs layout that the reader reads without a problem', async () => {
    const dir = await tempDir();

    const corpus = await writeCorpus(dir, 2_500, { recordsPerFile: 1_000 });
    const { records, problems, done } = await collect([dir]);

    expect(corpus).toMatchObject({ directory: dir, files: 3, records: 2_500 });
    expect(problems).toEqual([]);
    expect(records).toHaveLength(2_500);
    expect(done.map((file) => file.records)).toEqual(expect.arrayContaining([1_000, 1_000, 500]));
    for (const { file } of done) {
      expect(relative(dir, file)).toMatch(
        /^AWSLogs\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Z0-9]{16}\.json\.gz$/,
      );
    }
  });

  it('is deterministic for a seed', async () => {
    const [first, second] = [await tempDir(), await tempDir()];

    await writeCorpus(first, 300, { seed: 7, recordsPerFile: 300 });
    await writeCorpus(second, 300, { seed: 7, recordsPerFile: 300 });

    const [a, b] = await Promise.all([collect([first]), collect([second])]);
    expect(a.records.map((entry) => entry.eventID)).toEqual(b.records.map((entry) => entry.eventID));
    expect(await readFile(a.done[0]?.file ?? '')).toEqual(await readFile(b.done[0]?.file ?? ''));
  });

  it('is mostly events no rule listens to, with a small share of IAM and S3 writes', async () => {
    const dir = await tempDir();
    await writeCorpus(dir, 5_000, { recordsPerFile: 5_000 });
    const [file] = (await collect([dir])).done;
    const { Records } = JSON.parse((await import('node:zlib')).gunzipSync(await readFile(file?.file ?? '')).toString()) as { Records: { eventName: string }[] };
    const watched = new Set(['PutRolePolicy', 'CreateAccessKey', 'AttachRolePolicy', 'DeactivateMFADevice', 'PutBucketPolicy', 'PutBucketAcl']);

    const share = Records.filter((entry) => watched.has(entry.eventName)).length / Records.length;

    expect(share).toBeGreaterThan(0.002);
    expect(share).toBeLessThan(0.05);
  });

  it('measures the read floor over the same files', async () => {
    const dir = await tempDir();
    await writeCorpus(dir, 1_200, { recordsPerFile: 500 });

    const floor = await measureReadFloor(dir);

    expect(floor).toMatchObject({ files: 3, records: 1_200 });
    expect(floor.elapsedMs).toBeGreaterThan(0);
    expect(floor.recordsPerSecond).toBeGreaterThan(0);
  });
});
