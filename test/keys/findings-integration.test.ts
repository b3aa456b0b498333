// The audit's findings go to the same table as event detections, a re-run of the same report changes
// nothing, and a later audit that no longer sees a risk resolves its finding.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { runKeyAudit } from '../../shared/keys/audit.js';
import { InMemoryRotationStateStore } from '../../shared/keys/rotation-state.js';
import { KEY_RULE_IDS } from '../../shared/keys/rules/catalogue.js';
import { FakeAccount } from './fake-account.js';
import { useDynalite } from '../support/emulators.js';
import { day, settingsWith } from './helpers.js';

const dynamo = useDynalite();
let table: string;

beforeAll(async () => {
  table = await dynamo.createTable('keys-findings');
});

async function openKeyFindings(store: FindingsStore) {
  const open = [];
  for (const ruleId of KEY_RULE_IDS) open.push(...(await store.list({ ruleId, statuses: ['open'], limit: 100 })).findings);
  return open;
}

describe('key audit findings in the findings table', () => {
  it('opens, stays idempotent on the same report, and resolves what a later audit no longer sees', async () => {
    const store = new DynamoFindingsStore(dynamo.client, table, { now: () => day(9) });
    const account = new FakeAccount(day(8));
    account.addUser('neo', [{ id: 'AKIANEO', status: 'Active', created: day(0), lastUsed: undefined }]);
    const audit = async (n: number) => {
      account.clock = day(n);
      const result = await runKeyAudit({
        ...account.clients,
        rotationStates: new InMemoryRotationStateStore(),
        settings: settingsWith({ mode: 'report' }),
        now: () => day(n),
        report: account.report(),
      });
      return store.apply({ detected: result.findings, resolutions: result.resolutions(await openKeyFindings(store)) });
    };

    expect((await audit(8)).counts).toMatchObject({ opened: 1 });
    expect((await audit(8)).counts).toMatchObject({ opened: 0, updated: 0, resolved: 0 });
    const [finding] = await openKeyFindings(store);
    expect(finding).toMatchObject({ ruleId: 'access-key-never-used', resource: 'arn:aws:iam::111122223333:user/neo' });

    // The key is used: the next audit no longer sees the risk.
    const neo = account.users.get('neo');
    if (neo?.keys[0]) neo.keys[0].lastUsed = day(9);
    expect((await audit(10)).counts).toMatchObject({ resolved: 1 });
    expect(await openKeyFindings(store)).toEqual([]);
  });
});
