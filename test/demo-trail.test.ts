import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEMO_TRAIL_DIR, demoFiles, demoRecords } from '../scripts/demo-trail.js';

describe('the demo trail', () => {
  it('is what scripts/demo-trail.ts generates (run: node bin/run-ts.js scripts/demo-trail.ts)', async () => {
    for (const [path, records] of demoFiles(demoRecords())) {
      const committed = JSON.parse(gunzipSync(await readFile(join(DEMO_TRAIL_DIR, path))).toString('utf8')) as unknown;
      expect(committed, path).toEqual({ Records: records });
    }
  });
});
