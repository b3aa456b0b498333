// The Security Hub state reader against moto over HTTP: a hub that is enabled resolves the finding a
// DisableSecurityHub event raised (the same finding id), and a region without a hub, disabled or never
// enabled, is not judged: it neither raises nor resolves.
import { DisableSecurityHubCommand, EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../../shared/detections/engine.js';
import { ONLY_OWN_ACCOUNT } from '../../../shared/policy/boundary.js';
import type { ScanReport } from '../../../shared/scan/reader.js';
import { securityhubReader } from '../../../shared/scan/readers/securityhub.js';
import { recordScan } from '../../../shared/scan/record.js';
import { useMoto } from '../../support/moto.js';
import { loggedCall, motoClients, scanWithMoto, useFindingsStore } from '../harness.js';

const moto = useMoto();
const securityhub = motoClients(moto, (config) => new SecurityHubClient(config));
const opened = useFindingsStore();
const ACCOUNT = '123456789012';
const context = { boundary: ONLY_OWN_ACCOUNT };
const hub = (region: string) => `arn:aws:securityhub:${region}:${ACCOUNT}:hub/default`;
const ENABLED = 'us-east-1';
const DISABLED = 'eu-west-1';
const NEVER_ENABLED = 'ap-southeast-2';

function scan(): Promise<ScanReport> {
  return scanWithMoto(moto, securityhubReader, { context, regions: [ENABLED, DISABLED, NEVER_ENABLED] });
}

beforeAll(async () => {
  await securityhub(ENABLED).send(new EnableSecurityHubCommand({ EnableDefaultStandards: false }));
  await securityhub(DISABLED).send(new EnableSecurityHubCommand({ EnableDefaultStandards: false }));
  await securityhub(DISABLED).send(new DisableSecurityHubCommand({}));
}, 60_000);

describe('the Security Hub state reader', () => {
  it('raises nothing, and reconciles only the hub it saw', async () => {
    const report = await scan();

    expect(report.problems).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(report.detected).toEqual([]);
    expect(report.coverage.map((part) => [part.region, part.onlyResources]).sort()).toEqual(
      [
        [ENABLED, [hub(ENABLED)]],
        [DISABLED, []],
        [NEVER_ENABLED, []],
      ].sort(),
    );
    expect(report.counts).toEqual({ hubs: 1 });
  });

  it('resolves the finding of a DisableSecurityHub where the hub is enabled again, and keeps it where there is no hub', async () => {
    const engine = new DetectionEngine(catalogue, context);
    const disabled = (region: string) => engine.evaluate(loggedCall('securityhub.amazonaws.com', 'DisableSecurityHub', {}, { region }));
    const [wasDisabled] = (await opened.store.apply(disabled(ENABLED))).changes;
    const [stillDisabled] = (await opened.store.apply(disabled(DISABLED))).changes;

    const recorded = await recordScan(opened.store, await scan());

    expect([wasDisabled?.finding?.resource, stillDisabled?.finding?.resource]).toEqual([hub(ENABLED), hub(DISABLED)]);
    expect(recorded.resolved.map((change) => change.findingId)).toEqual([wasDisabled?.findingId]);
    expect(await opened.store.get(stillDisabled?.findingId ?? '')).toMatchObject({ status: 'open' });
  });
});
