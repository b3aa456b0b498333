import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingsStore } from '../../shared/findings/store.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { ACCOUNT, at, detected, evaluation, resolution } from '../support/findings-factory.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const NOW = new Date('2024-06-01T00:00:00Z');
const DAY = 86_400;

/** A store with a clock the test moves. */
async function freshStore(options: { resolvedTtlDays?: number } = {}) {
  const clock = { now: NOW };
  const table = await dynamo.createTable();
  const store = new FindingsStore(dynamo.client, table, { now: () => clock.now, ...options });
  return { store, clock, table };
}

async function rawItem(table: string, findingId: string): Promise<Record<string, unknown> | undefined> {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const result = await dynamo.client.send(new GetCommand({ TableName: table, Key: { pk: `F#${findingId}`, sk: 'FINDING' } }));
  return result.Item;
}

describe('resolved by the account itself', () => {
  it('resolves the finding a scoped resolution names, recording the event and a TTL', async () => {
    const { store, table } = await freshStore({ resolvedTtlDays: 30 });
    const raised = detected({ eventTime: at(0) });
    await store.apply(evaluation({ detected: [raised] }));
    const removal = resolution({ eventTime: at(60), reason: 'root access key deleted' });

    const outcome = await store.apply(evaluation({ resolutions: [removal] }));

    expect(outcome.changes).toMatchObject([{ findingId: raised.findingId, outcome: 'resolved' }]);
    const finding = await store.get(raised.findingId);
    expect(finding).toMatchObject({ status: 'resolved', resolvedAt: at(60), expiresAt: NOW.getTime() / 1000 + 30 * DAY });
    expect(finding?.history.at(-1)).toEqual({ at: at(60), status: 'resolved', reason: 'root access key deleted', by: `event:${removal.eventId}` });
    expect(await rawItem(table, raised.findingId)).toHaveProperty('expiresAt');
  });

  it('closes every finding of rule + account + resource when the resolution has no scope', async () => {
    const { store } = await freshStore();
    const resource = 'arn:aws:s3:::reports';
    const acl = detected({ ruleId: 's3-bucket-public', resource, scope: 'acl', eventTime: at(0) });
    const policy = detected({ ruleId: 's3-bucket-public', resource, scope: 'policy', eventTime: at(5) });
    const otherBucket = detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::other', scope: 'acl', eventTime: at(5) });
    const otherAccount = detected({ ruleId: 's3-bucket-public', account: '210987654321', resource, scope: 'acl', eventTime: at(5) });
    await store.apply(evaluation({ detected: [acl, policy, otherBucket, otherAccount] }));

    const outcome = await store.apply(evaluation({ resolutions: [resolution({ ruleId: 's3-bucket-public', resource, scope: undefined, eventTime: at(60) })] }));

    const findingsChanged = outcome.changes.filter((change) => change.finding !== undefined);
    expect(findingsChanged.map((change) => change.findingId).sort()).toEqual([acl.findingId, policy.findingId].sort());
    expect(outcome.counts.resolved).toBe(2);
    expect(await store.get(otherBucket.findingId)).toMatchObject({ status: 'open' });
    expect(await store.get(otherAccount.findingId)).toMatchObject({ status: 'open' });
  });

  it('closes findings raised earlier in the same batch by an unscoped resolution', async () => {
    const { store } = await freshStore();
    const resource = 'arn:aws:s3:::reports';
    const batch = store.batch();
    const raised = detected({ ruleId: 's3-bucket-public', resource, scope: 'acl', eventTime: at(0) });
    batch.add(evaluation({ detected: [raised] }));
    batch.add(evaluation({ resolutions: [resolution({ ruleId: 's3-bucket-public', resource, scope: undefined, eventTime: at(10) })] }));

    const outcome = await batch.flush();

    expect(outcome.changes.filter((change) => change.finding !== undefined)).toMatchObject([{ findingId: raised.findingId, outcome: 'opened' }]);
    expect(await store.get(raised.findingId)).toMatchObject({ status: 'resolved', count: 1 });
  });

  it('keeps an unscoped resolution that arrives before the detection of a scope-less rule', async () => {
    const { store, table } = await freshStore();
    const resource = 'arn:aws:iam::123456789012:role/deploy';
    const raised = detected({ ruleId: 'iam-role-trust-public', resource, scope: undefined, eventTime: at(0) });
    // The engine addresses it: a rule without scopes has exactly one finding per resource.
    const early = { ...resolution({ ruleId: 'iam-role-trust-public', resource, scope: undefined, eventTime: at(10) }), findingId: raised.findingId };
    await store.apply(evaluation({ resolutions: [early] }));
    // Until its detection comes, the early resolution is an item with a TTL, like a resolved finding.
    expect((await rawItem(table, raised.findingId))?.['expiresAt']).toEqual(expect.any(Number));

    await store.apply(evaluation({ detected: [raised] }));

    expect(await store.get(raised.findingId)).toMatchObject({ status: 'resolved', count: 1 });
  });

  it('does not resolve with an older event replayed out of order (scoped)', async () => {
    const { store } = await freshStore();
    const raised = detected({ eventTime: at(100) });
    await store.apply(evaluation({ detected: [raised] }));

    const outcome = await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(50) })] }));

    expect(outcome.changes).toMatchObject([{ outcome: 'unchanged' }]);
    expect(await store.get(raised.findingId)).toMatchObject({ status: 'open' });
  });

  it('does not resolve with an older event replayed out of order (unscoped)', async () => {
    const { store } = await freshStore();
    const resource = 'arn:aws:s3:::reports';
    const raised = detected({ ruleId: 's3-bucket-public', resource, scope: 'acl', eventTime: at(100) });
    await store.apply(evaluation({ detected: [raised] }));

    await store.apply(evaluation({ resolutions: [resolution({ ruleId: 's3-bucket-public', resource, scope: undefined, eventTime: at(50) })] }));

    expect(await store.get(raised.findingId)).toMatchObject({ status: 'open' });
  });

  it('orders a batch by event time: a resolution added before its older detection still resolves it', async () => {
    const { store } = await freshStore();
    const raised = detected({ eventTime: at(0) });
    const batch = store.batch();
    batch.add(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }));
    batch.add(evaluation({ detected: [raised] }));

    await batch.flush();

    expect(await store.get(raised.findingId)).toMatchObject({ status: 'resolved', resolvedAt: at(60) });
  });

  it('keeps a resolution that arrives before its detection (separate deliveries): the older detection is recorded resolved', async () => {
    const { store } = await freshStore();
    const raised = detected({ eventTime: at(0) });
    await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }));
    expect(await store.get(raised.findingId)).toBeUndefined();

    const outcome = await store.apply(evaluation({ detected: [raised] }));

    expect(outcome.changes).toMatchObject([{ outcome: 'resolved' }]);
    expect(await store.get(raised.findingId)).toMatchObject({ status: 'resolved', count: 1, alertState: 'none' });
  });
});

describe('reopen', () => {
  it('reopens a resolved finding when the risk comes back, with the alert pending again and no TTL', async () => {
    const { store, table } = await freshStore();
    const raised = detected({ eventTime: at(0) });
    await store.apply(evaluation({ detected: [raised] }));
    expect(await store.markAlert(raised.findingId, 'sent')).toBe(true);
    await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }));

    const outcome = await store.apply(evaluation({ detected: [detected({ eventTime: at(120) })] }));

    expect(outcome.changes).toMatchObject([{ outcome: 'reopened', finding: { status: 'open', alertState: 'pending' } }]);
    const item = await rawItem(table, raised.findingId);
    expect(item).not.toHaveProperty('expiresAt');
    expect(item).toMatchObject({ status: 'open', count: 2, alertState: 'pending' });
    expect((item!.history as { status: string }[]).map((entry) => entry.status)).toEqual(['open', 'resolved', 'open']);
  });

  it('does not reopen with an older detection replayed after the resolution', async () => {
    const { store } = await freshStore();
    await store.apply(evaluation({ detected: [detected({ eventTime: at(0) })] }));
    await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }));

    const outcome = await store.apply(evaluation({ detected: [detected({ eventTime: at(30) })] }));

    expect(outcome.changes).toMatchObject([{ outcome: 'updated', finding: { status: 'resolved', count: 2 } }]);
  });
});

describe('alert state', () => {
  it('marks an alert sent only once, and only while pending', async () => {
    const { store } = await freshStore();
    const raised = detected();
    await store.apply(evaluation({ detected: [raised] }));

    const results = await Promise.all([store.markAlert(raised.findingId, 'sent'), store.markAlert(raised.findingId, 'sent')]);

    expect(results.sort()).toEqual([false, true]);
    expect(await store.markAlert(raised.findingId, 'failed', 'too large')).toBe(false);
    expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'sent' });
    await store.apply(evaluation({ detected: [detected({ eventTime: at(5) })] }));
    expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'sent', count: 2 });
  });

  it('records a permanent failure with its reason', async () => {
    const { store } = await freshStore();
    const raised = detected();
    await store.apply(evaluation({ detected: [raised] }));

    expect(await store.markAlert(raised.findingId, 'failed', 'message too large')).toBe(true);

    expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'failed', alertError: 'message too large' });
  });
});

describe('suppressions', () => {
  it('suppresses one finding by id: later detections are recorded, status suppressed, never alerting', async () => {
    const { store } = await freshStore();
    const raised = detected({ eventTime: at(0) });
    await store.apply(evaluation({ detected: [raised] }));

    const { suppressed } = await store.suppress({ findingId: raised.findingId }, { reason: 'break-glass key', by: 'cli:alice' });
    const later = await store.apply(evaluation({ detected: [detected({ eventTime: at(10) })] }));

    expect(suppressed).toMatchObject([{ outcome: 'suppressed', finding: { status: 'suppressed', alertState: 'none' } }]);
    expect(later.changes).toMatchObject([{ outcome: 'updated', finding: { status: 'suppressed', count: 2, alertState: 'none' } }]);
    expect((await store.get(raised.findingId))?.history.at(-1)).toMatchObject({ status: 'suppressed', reason: 'break-glass key', by: 'cli:alice' });
  });

  it('suppresses new findings of a rule on resources matching a glob', async () => {
    const { store } = await freshStore();
    await store.suppress({ ruleId: 's3-bucket-public', resourcePattern: 'arn:aws:s3:::public-*' }, { reason: 'website buckets', by: 'cli:alice' });
    const website = detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::public-site', scope: 'policy' });
    const private_ = detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::payroll', scope: 'policy' });
    const otherRule = detected({ ruleId: 'iam-wildcard-grant', resource: 'arn:aws:s3:::public-site', scope: 'x' });

    const outcome = await store.apply(evaluation({ detected: [website, private_, otherRule] }));

    const byId = new Map(outcome.changes.map((change) => [change.findingId, change]));
    expect(byId.get(website.findingId)).toMatchObject({ outcome: 'suppressed', finding: { status: 'suppressed', alertState: 'none' } });
    expect(byId.get(private_.findingId)).toMatchObject({ outcome: 'opened' });
    expect(byId.get(otherRule.findingId)).toMatchObject({ outcome: 'opened' });
  });

  it('suppresses by actor glob, and mutes open findings whose latest actor matches', async () => {
    const { store } = await freshStore();
    const byPipeline = detected({
      ruleId: 'iam-wildcard-grant',
      resource: 'arn:aws:iam::123456789012:role/app',
      actor: `arn:aws:sts::${ACCOUNT}:assumed-role/terraform/ci`,
    });
    await store.apply(evaluation({ detected: [byPipeline] }));

    const { suppressed } = await store.suppress(
      { ruleId: 'iam-wildcard-grant', actorPattern: '*:assumed-role/terraform/*' },
      { reason: 'IaC pipeline', by: 'cli:alice' },
    );
    const byPerson = detected({ ruleId: 'iam-wildcard-grant', resource: 'arn:aws:iam::123456789012:role/other', actor: `arn:aws:iam::${ACCOUNT}:user/bob` });
    const outcome = await store.apply(evaluation({ detected: [byPerson] }));

    expect(suppressed.map((change) => change.findingId)).toEqual([byPipeline.findingId]);
    expect(outcome.changes).toMatchObject([{ outcome: 'opened' }]);
  });

  it('stops applying after its expiry (injected clock): a new detection reopens the finding', async () => {
    const { store, clock } = await freshStore();
    const raised = detected({ eventTime: at(0) });
    await store.suppress(
      { ruleId: raised.ruleId, resourcePattern: raised.resource },
      { reason: 'until rotation', by: 'cli:alice', until: '2024-06-10T00:00:00Z' },
    );
    expect((await store.apply(evaluation({ detected: [raised] }))).changes).toMatchObject([{ outcome: 'suppressed' }]);

    clock.now = new Date('2024-06-11T00:00:00Z');
    const outcome = await store.apply(evaluation({ detected: [detected({ eventTime: at(10) })] }));

    expect(outcome.changes).toMatchObject([{ outcome: 'reopened', finding: { status: 'open', alertState: 'pending' } }]);
  });

  it('unsuppress reopens what the suppression held, pending an alert', async () => {
    const { store } = await freshStore();
    const raised = detected();
    await store.apply(evaluation({ detected: [raised] }));
    await store.suppress({ findingId: raised.findingId }, { reason: 'known', by: 'cli:alice' });

    const { removed, reopened } = await store.unsuppress(raised.findingId, { reason: 'no longer accepted', by: 'cli:bob' });

    expect(removed).toHaveLength(1);
    expect(reopened).toMatchObject([{ findingId: raised.findingId, finding: { status: 'open', alertState: 'pending' } }]);
    expect(await store.suppressions()).toEqual([]);
  });
});

describe('TTL', () => {
  it('sets expiresAt only on resolved findings, and removes it on reopen', async () => {
    const { store, table } = await freshStore();
    const open = detected({ eventTime: at(0), scope: 'A' });
    const resolvedByHand = detected({ eventTime: at(0), scope: 'B' });
    const suppressed = detected({ eventTime: at(0), scope: 'C' });
    await store.apply(evaluation({ detected: [open, resolvedByHand, suppressed] }));
    await store.resolve(resolvedByHand.findingId, { reason: 'rotated', by: 'cli:alice' });
    await store.suppress({ findingId: suppressed.findingId }, { reason: 'ok', by: 'cli:alice' });

    expect(await rawItem(table, open.findingId)).not.toHaveProperty('expiresAt');
    expect(await rawItem(table, suppressed.findingId)).not.toHaveProperty('expiresAt');
    expect(await rawItem(table, resolvedByHand.findingId)).toMatchObject({ expiresAt: NOW.getTime() / 1000 + 90 * DAY, status: 'resolved' });
  });
});
