import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { examples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { runWarden } from '../support/cli.js';
import { useEnvironment } from '../support/emulators.js';
import { securityHubOnMoto, useMoto } from '../support/moto.js';

const moto = useMoto();
let dir: string;
let trail: string;

useEnvironment(() => securityHubOnMoto(moto));

beforeEach(async () => {
  await moto.reset();
  process.env['AWS_ENDPOINT_URL_SECURITYHUB'] = moto.endpoint;
  dir = await mkdtemp(join(tmpdir(), 'warden-replay-hub-'));
  trail = join(dir, 'trail.json');
  await writeFile(trail, JSON.stringify({ Records: [examples.positive[0]?.record] }));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function imported() {
  const hub = new SecurityHubClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: moto.credentials });
  return (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
}

describe('warden replay --security-hub (moto)', () => {
  it("imports the findings of a replay into the caller's own Security Hub product, and a second replay updates rather than duplicates", async () => {
    const args = ['replay', trail, '--store', join(dir, 'store'), '--alerts', 'none', '--security-hub'];

    const first = await runWarden(args);
    const second = await runWarden(args);

    expect(first).toMatchObject({ code: 0, stderr: expect.not.stringContaining('refused') });
    expect(first.stdout).toContain(`Findings imported into Security Hub (arn:aws:securityhub:us-east-1:${moto.account}:product/${moto.account}/default): 1.`);
    expect(second.stdout).toContain('Findings imported into Security Hub');
    expect(await imported()).toMatchObject([{ GeneratorId: 'iam-warden/root-access-key-created', Severity: { Label: 'CRITICAL' }, RecordState: 'ACTIVE' }]);
  });

  it('exits 70 and says so when Security Hub cannot be reached; the findings are still recorded', async () => {
    process.env['AWS_ENDPOINT_URL_SECURITYHUB'] = 'http://127.0.0.1:9';

    const run = await runWarden(['replay', trail, '--store', join(dir, 'store'), '--alerts', 'none', '--security-hub']);
    const listed = await runWarden(['findings', 'list', '--store', join(dir, 'store'), '--json']);

    expect(run.code).toBe(70);
    expect(run.stderr).toContain('findings not exported: could not export 1 finding(s) to Security Hub');
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
  });
});
