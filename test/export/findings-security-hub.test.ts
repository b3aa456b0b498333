// `warden findings resolve|suppress|unsuppress --security-hub` against moto over HTTP: a status a person
// changes here reaches the finding Security Hub already holds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { examples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { runWarden } from '../support/cli.js';
import { useEnvironment } from '../support/emulators.js';
import { securityHubOnMoto, useMoto } from '../support/moto.js';
import { useWorkflowUpdatesOnMoto } from './workflow-updates.js';

const moto = useMoto();
const workflow = useWorkflowUpdatesOnMoto();
let dir: string;
let store: string;
let findingId: string;

useEnvironment(() => securityHubOnMoto(moto));

beforeEach(async () => {
  await moto.reset();
  process.env['AWS_ENDPOINT_URL_SECURITYHUB'] = moto.endpoint;
  dir = await mkdtemp(join(tmpdir(), 'warden-findings-hub-'));
  store = join(dir, 'store');
  const trail = join(dir, 'trail.json');
  await writeFile(trail, JSON.stringify({ Records: [examples.positive[0]?.record] }));
  // Imported first, as the deployed detection function would have.
  await runWarden(['replay', trail, '--store', store, '--alerts', 'none', '--security-hub']);
  findingId = JSON.parse((await runWarden(['findings', 'list', '--store', store, '--json'])).stdout.trim()).id as string;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function imported() {
  const hub = new SecurityHubClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: moto.credentials });
  return (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
}
const PRODUCT_ARN = () => `arn:aws:securityhub:us-east-1:${moto.account}:product/${moto.account}/default`;

describe('warden findings ... --security-hub (moto)', () => {
  it('shows a finding suppressed here as SUPPRESSED in Security Hub, and NEW again once the suppression is removed', async () => {
    const suppressed = await runWarden(['findings', 'suppress', findingId, '--reason', 'break-glass key', '--store', store, '--security-hub']);
    const unsuppressed = await runWarden(['findings', 'unsuppress', findingId, '--store', store, '--security-hub']);

    expect(suppressed).toMatchObject({ code: 0, stderr: '' });
    expect(suppressed.stdout).toContain(`Findings updated in Security Hub (${PRODUCT_ARN()}): 1.`);
    expect(unsuppressed).toMatchObject({ code: 0, stderr: '' });
    expect(workflow.updates()).toEqual([
      { status: 'SUPPRESSED', ids: [`iam-warden/${findingId}`] },
      { status: 'NEW', ids: [`iam-warden/${findingId}`] },
    ]);
    expect(await imported()).toMatchObject([{ Id: `iam-warden/${findingId}`, RecordState: 'ACTIVE', ProductFields: { 'iam-warden/Status': 'open' } }]);
  });

  it('archives a finding resolved by hand, and sends it again when asked to resolve it again', async () => {
    const resolved = await runWarden(['findings', 'resolve', findingId, '--reason', 'key deleted', '--store', store, '--security-hub']);
    const again = await runWarden(['findings', 'resolve', findingId, '--reason', 'key deleted', '--store', store, '--security-hub']);

    expect(resolved).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain(`${findingId} was already resolved`);
    expect(again.stdout).toContain('Findings updated in Security Hub');
    expect(await imported()).toMatchObject([{ Id: `iam-warden/${findingId}`, RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } }]);
    expect(workflow.updates().map((update) => update.status)).toEqual(['RESOLVED', 'RESOLVED']);
  });

  it('sends nothing without --security-hub', async () => {
    const before = await imported();

    await runWarden(['findings', 'suppress', findingId, '--reason', 'accepted', '--store', store]);

    expect(await imported()).toEqual(before);
    expect(workflow.updates()).toEqual([]);
  });

  it('exits 70 and records the outage on the finding when Security Hub cannot be reached; the change is kept here', async () => {
    process.env['AWS_ENDPOINT_URL_SECURITYHUB'] = 'http://127.0.0.1:9';

    const run = await runWarden(['findings', 'suppress', findingId, '--reason', 'accepted', '--store', store, '--security-hub']);
    const shown = JSON.parse((await runWarden(['findings', 'show', findingId, '--store', store, '--format', 'json'])).stdout) as Record<string, unknown>;

    expect(run.code).toBe(70);
    expect(run.stderr).toContain('not sent to Security Hub: could not export 1 finding(s) to Security Hub');
    expect(shown).toMatchObject({ status: 'suppressed', securityHubError: expect.stringMatching(/^not exported: /) });
  });
});
