import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';

// The real launcher, in a real shell pipeline: what a user types.
const WARDEN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

describe('bin/warden.js', () => {
  it('stops quietly with status 141 when the reader of its output goes away, never passing a gate', async () => {
    const work = await mkdtemp(join(tmpdir(), 'warden-pipe-'));
    try {
      // Far more output than a pipe holds (about 2 MB), so the writes after `head` exits must fail.
      const base = rootKeyExamples.positive[0]!.record;
      const trail = join(work, 'trail.json');
      await writeFile(trail, JSON.stringify({ Records: Array.from({ length: 2_000 }, (_, index) => ({ ...base, eventID: `pipe-${index}` })) }));
      const shell = `set -o pipefail; node ${WARDEN} replay ${trail} --json --fail-on low --store ${join(work, 'store')} | head -c 10 > /dev/null`;
      const run = spawnSync('bash', ['-c', shell], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).not.toMatch(/EPIPE|at .*\(/);
      expect(run.status).toBe(141);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
