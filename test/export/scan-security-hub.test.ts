// `warden scan --security-hub` against moto over HTTP: what the scan records and resolves reaches Security Hub.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWarden } from '../support/cli.js';
import { useEnvironment } from '../support/emulators.js';
import { useMoto } from '../support/moto.js';
import { useWorkflowUpdatesOnMoto } from './workflow-updates.js';

const moto = useMoto();
const workflow = useWorkflowUpdatesOnMoto();
let dir: string;
useEnvironment(() => ({
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
}));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-scan-hub-'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const client = () => ({ region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials });
async function imported(generatorId: string) {
  const findings = (await new SecurityHubClient(client()).send(new GetFindingsCommand({}))).Findings ?? [];
  return findings.filter((finding) => finding.GeneratorId === generatorId);
}

describe('warden scan --security-hub', () => {
  it('imports the risks a scan finds, and archives them once a later scan no longer sees them', async () => {
    const iam = new IAMClient(client());
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateRoleCommand({ RoleName: 'open-to-all', AssumeRolePolicyDocument: trust }));
    const args = ['scan', '--store', join(dir, 'store'), '--regions', 'us-east-1', '--security-hub'];

    const first = await runWarden(args);
    const afterFirst = await imported('iam-warden/iam-role-trust-public');
    await iam.send(new DeleteRoleCommand({ RoleName: 'open-to-all' }));
    const second = await runWarden(args);
    const afterSecond = await imported('iam-warden/iam-role-trust-public');
    iam.destroy();

    expect(first.stdout).toMatch(/Findings imported into Security Hub \(arn:aws:securityhub:us-east-1:123456789012:product\/123456789012\/default\): \d+\./);
    expect(afterFirst).toMatchObject([{ RecordState: 'ACTIVE', Resources: [{ Id: 'arn:aws:iam::123456789012:role/open-to-all', Type: 'AwsIamRole' }] }]);
    expect(afterSecond).toMatchObject([{ Id: afterFirst[0]?.Id, RecordState: 'ARCHIVED' }]);
    expect(second.stderr).not.toContain('refused');
    expect(workflow.updates()).toContainEqual({ status: 'RESOLVED', ids: [afterFirst[0]?.Id] });
  });
});
