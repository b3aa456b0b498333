import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readFindingsTableDoc, README_PATH, renderReadme } from '../scripts/readme.js';

describe('README.md', () => {
  it('has its rules table and findings table design in step with the code (run: node bin/run-ts.js scripts/readme.ts)', async () => {
    const committed = await readFile(README_PATH, 'utf8');
    expect(committed).toBe(renderReadme(committed, await readFindingsTableDoc()));
  });

  it('opens with the two commands a new user runs', async () => {
    const committed = await readFile(README_PATH, 'utf8');
    expect(committed).toContain('npm install && npm start');
    expect(committed).toContain('npm test');
  });
});
