// The findings contract: the same lifecycle stories against both stores, the deployed DynamoDB table
// (on dynalite) and the embedded SQLite store. A store that passes them can stand in for the other.
import { describe, expect, it } from 'vitest';
import { StoredItemError } from '../../shared/findings/errors.js';
import { ALERT_CLAIM_LEASE_MS, type FindingsStore, type ReconcileRequest } from '../../shared/findings/store.js';
import { ACCOUNT, at, detected, evaluation, nextEventId, resolution } from '../support/findings-factory.js';
import { storeHarnesses } from './store-harnesses.js';

const NOW = new Date('2024-06-01T00:00:00Z');
const DAY = 86_400;

describe.each(storeHarnesses())('$name store', (harness) => {
  /** A store with a clock the test moves. */
  async function freshStore(options: { resolvedTtlDays?: number } = {}) {
    const clock = { now: NOW };
    const store = await harness.open({ now: () => clock.now, ...options });
    return { store, clock };
  }

  describe('idempotent replay', () => {
    it('opens a finding on the first detection and counts a second event as an occurrence', async () => {
      const { store } = await freshStore();
      const first = detected({ eventTime: at(0) });
      const second = detected({ eventTime: at(30), actor: 'arn:aws:iam::123456789012:user/mallory' });

      const opened = await store.apply(evaluation({ detected: [first] }));
      const updated = await store.apply(evaluation({ detected: [second] }));

      expect(opened.changes).toMatchObject([{ findingId: first.findingId, outcome: 'opened' }]);
      expect(updated.changes).toMatchObject([{ findingId: first.findingId, outcome: 'updated' }]);
      const finding = await store.get(first.findingId);
      expect(finding).toMatchObject({ status: 'open', count: 2, firstSeen: at(0), lastSeen: at(30), alertState: 'pending' });
      expect(finding?.recentOccurrences.map((o) => o.actor)).toEqual(['arn:aws:iam::123456789012:user/mallory', 'arn:aws:iam::123456789012:root']);
      expect((await store.occurrences(first.findingId)).map((o) => o.eventTime)).toEqual([at(0), at(30)]);
    });

    it('changes nothing when the same event arrives twice', async () => {
      const { store } = await freshStore();
      const event = detected();

      await store.apply(evaluation({ detected: [event] }));
      const again = await store.apply(evaluation({ detected: [event] }));

      expect(again.changes).toMatchObject([{ outcome: 'unchanged' }]);
      expect(await store.get(event.findingId)).toMatchObject({ count: 1 });
      expect(await store.occurrences(event.findingId)).toHaveLength(1);
    });

    it('changes nothing when the same batch (a file replayed twice) is flushed again', async () => {
      const { store } = await freshStore();
      const events = [detected({ eventTime: at(1) }), detected({ eventTime: at(2) }), detected({ eventTime: at(3), scope: 'AKIAOTHER' })];
      const replay = async () => {
        const batch = store.batch();
        for (const event of events) batch.add(evaluation({ detected: [event] }));
        return batch.flush();
      };

      const first = await replay();
      const second = await replay();

      expect(first.counts).toMatchObject({ opened: 2 });
      expect(second.counts).toMatchObject({ unchanged: 2, opened: 0, updated: 0 });
      expect(await store.get(events[0]!.findingId)).toMatchObject({ count: 2 });
    });

    it('counts each distinct event once when deliveries overlap and race', async () => {
      const { store } = await freshStore();
      const events = Array.from({ length: 12 }, (_, i) => detected({ eventTime: at(i) }));

      // Every event delivered twice, all at once.
      await Promise.all([...events, ...events].map((event) => store.apply(evaluation({ detected: [event] }))));

      expect(await store.get(events[0]!.findingId)).toMatchObject({ count: 12, firstSeen: at(0), lastSeen: at(11), status: 'open' });
      expect(await store.occurrences(events[0]!.findingId)).toHaveLength(12);
    });
  });

  describe('out-of-order resolution', () => {
    it('resolves the finding a scoped resolution names, recording the event and a TTL', async () => {
      const { store } = await freshStore({ resolvedTtlDays: 30 });
      const raised = detected({ eventTime: at(0) });
      await store.apply(evaluation({ detected: [raised] }));
      const removal = resolution({ eventTime: at(60), reason: 'root access key deleted' });

      const outcome = await store.apply(evaluation({ resolutions: [removal] }));

      expect(outcome.changes).toMatchObject([{ findingId: raised.findingId, outcome: 'resolved' }]);
      const finding = await store.get(raised.findingId);
      expect(finding).toMatchObject({ status: 'resolved', resolvedAt: at(60), expiresAt: NOW.getTime() / 1000 + 30 * DAY });
      expect(finding?.history.at(-1)).toEqual({ at: at(60), status: 'resolved', reason: 'root access key deleted', by: `event:${removal.eventId}` });
      expect(await harness.storedExpiry(store, raised.findingId)).toBe(NOW.getTime() / 1000 + 30 * DAY);
    });

    it('closes every finding of rule + account + resource when the resolution has no scope', async () => {
      const { store } = await freshStore();
      const resource = 'arn:aws:s3:::reports';
      const acl = detected({ ruleId: 's3-bucket-public', resource, scope: 'acl', eventTime: at(0) });
      const policy = detected({ ruleId: 's3-bucket-public', resource, scope: 'policy', eventTime: at(5) });
      const otherBucket = detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::other', scope: 'acl', eventTime: at(5) });
      const otherAccount = detected({ ruleId: 's3-bucket-public', account: '210987654321', resource, scope: 'acl', eventTime: at(5) });
      await store.apply(evaluation({ detected: [acl, policy, otherBucket, otherAccount] }));

      const outcome = await store.apply(
        evaluation({ resolutions: [resolution({ ruleId: 's3-bucket-public', resource, scope: undefined, eventTime: at(60) })] }),
      );

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

    it('keeps a resolution that arrives before the detection of a scope-less rule, with its own TTL', async () => {
      const { store } = await freshStore();
      const resource = 'arn:aws:iam::123456789012:role/deploy';
      const raised = detected({ ruleId: 'iam-role-trust-public', resource, scope: undefined, eventTime: at(0) });
      // The engine addresses it: a rule without scopes has exactly one finding per resource.
      const early = { ...resolution({ ruleId: 'iam-role-trust-public', resource, scope: undefined, eventTime: at(10) }), findingId: raised.findingId };
      await store.apply(evaluation({ resolutions: [early] }));
      expect(await harness.storedExpiry(store, raised.findingId)).toBe(NOW.getTime() / 1000 + 90 * DAY);

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
      const { store } = await freshStore();
      const raised = detected({ eventTime: at(0) });
      await store.apply(evaluation({ detected: [raised] }));
      expect(await store.markAlert(raised.findingId, 'sent')).toBe(true);
      await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }));

      const outcome = await store.apply(evaluation({ detected: [detected({ eventTime: at(120) })] }));

      expect(outcome.changes).toMatchObject([{ outcome: 'reopened', finding: { status: 'open', alertState: 'pending' } }]);
      const finding = await store.get(raised.findingId);
      expect(finding).toMatchObject({ status: 'open', count: 2, alertState: 'pending' });
      expect(finding?.history.map((entry) => entry.status)).toEqual(['open', 'resolved', 'open']);
      expect(await harness.storedExpiry(store, raised.findingId)).toBeUndefined();
    });

    it('does not reopen with an older detection replayed after the resolution', async () => {
      const { store } = await freshStore();
      await store.apply(evaluation({ detected: [detected({ eventTime: at(0) })] }));
      await store.apply(evaluation({ resolutions: [resolution({ eventTime: at(60) })] }));

      const outcome = await store.apply(evaluation({ detected: [detected({ eventTime: at(30) })] }));

      expect(outcome.changes).toMatchObject([{ outcome: 'updated', finding: { status: 'resolved', count: 2 } }]);
    });

    it('lets a person resolve a finding by hand, once', async () => {
      const { store } = await freshStore();
      const raised = detected();
      await store.apply(evaluation({ detected: [raised] }));

      const first = await store.resolve(raised.findingId, { reason: 'rotated', by: 'cli:alice' });
      const second = await store.resolve(raised.findingId, { reason: 'again', by: 'cli:alice' });

      expect(first).toMatchObject({ outcome: 'resolved', finding: { status: 'resolved', resolvedAt: NOW.toISOString() } });
      expect(second.outcome).toBe('unchanged');
      expect((await store.get(raised.findingId))?.history.at(-1)).toMatchObject({ status: 'resolved', reason: 'rotated', by: 'cli:alice' });
      await expect(store.resolve('no-such-finding', { reason: 'x', by: 'cli:alice' })).rejects.toThrow('no finding no-such-finding');
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
      expect(await store.suppressions()).toMatchObject([{ ruleId: 's3-bucket-public', resourcePattern: 'arn:aws:s3:::public-*', createdBy: 'cli:alice' }]);
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

    it('unsuppress leaves muted, and does not report as reopened, a finding another suppression still covers', async () => {
      const { store } = await freshStore();
      const raised = detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::public-site', scope: 'policy' });
      await store.apply(evaluation({ detected: [raised] }));
      await store.suppress({ ruleId: 's3-bucket-public', resourcePattern: 'arn:aws:s3:::public-site' }, { reason: 'this site', by: 'cli:alice' });
      const broader = await store.suppress({ ruleId: 's3-bucket-public', resourcePattern: 'arn:aws:s3:::public-*' }, { reason: 'all sites', by: 'cli:alice' });

      const { removed, reopened } = await store.unsuppress(
        { ruleId: 's3-bucket-public', resourcePattern: 'arn:aws:s3:::public-site' },
        { reason: 'x', by: 'cli:bob' },
      );

      expect(removed).toHaveLength(1);
      expect(reopened).toEqual([]);
      expect(await store.get(raised.findingId)).toMatchObject({ status: 'suppressed', suppressionId: broader.suppression.id });
    });
  });

  describe('reconcile (what a scan no longer sees)', () => {
    const RULE = 'iam-role-trust-public';
    const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const SCAN_START = at(600);
    const reconcileRequest = (overrides: Partial<ReconcileRequest> = {}): ReconcileRequest => ({
      account: ACCOUNT,
      ruleIds: [RULE],
      scanStartedAt: SCAN_START,
      by: `scan:${SCAN_START}`,
      reason: `no longer present at ${SCAN_START}`,
      ...overrides,
    });

    it('resolves the findings last seen before the scan started, and keeps those seen since (by the scan or an event)', async () => {
      const { store } = await freshStore({ resolvedTtlDays: 30 });
      const gone = detected({ ruleId: RULE, resource: role('gone'), scope: undefined, eventTime: at(0) });
      const seenByScan = detected({ ruleId: RULE, resource: role('kept'), scope: undefined, eventTime: at(0) });
      const raisedDuringScan = detected({ ruleId: RULE, resource: role('new'), scope: undefined, eventTime: at(610) });
      await store.apply(evaluation({ detected: [gone, seenByScan, raisedDuringScan] }));
      await store.apply(evaluation({ detected: [detected({ ruleId: RULE, resource: role('kept'), scope: undefined, eventTime: at(605) })] }));

      const changes = await store.reconcile(reconcileRequest());

      expect(changes).toMatchObject([{ findingId: gone.findingId, outcome: 'resolved', finding: { status: 'resolved', resolvedAt: SCAN_START } }]);
      expect((await store.get(gone.findingId))?.history.at(-1)).toEqual({
        at: SCAN_START,
        status: 'resolved',
        reason: `no longer present at ${SCAN_START}`,
        by: `scan:${SCAN_START}`,
      });
      expect(await harness.storedExpiry(store, gone.findingId)).toBe(NOW.getTime() / 1000 + 30 * DAY);
      expect(await store.get(seenByScan.findingId)).toMatchObject({ status: 'open' });
      expect(await store.get(raisedDuringScan.findingId)).toMatchObject({ status: 'open' });
    });

    it('touches only the rules, account and region it is given, never an unread resource or a failed attempt', async () => {
      const { store } = await freshStore();
      const stale = { ruleId: RULE, scope: undefined, eventTime: at(0) };
      const otherRule = detected({ ...stale, ruleId: 'iam-role-trust-outside', resource: role('a') });
      const otherAccount = detected({ ...stale, account: '210987654321', resource: 'arn:aws:iam::210987654321:role/a' });
      const otherRegion = { ...detected({ ...stale, resource: role('b') }), region: 'eu-west-1' };
      const unread = detected({ ...stale, resource: role('unread') });
      const attempt = detected({ ...stale, resource: role('c'), scope: 'failed-attempt' });
      const inRegion = detected({ ...stale, resource: role('d') });
      await store.apply(evaluation({ detected: [otherRule, otherAccount, otherRegion, unread, attempt, inRegion] }));

      const changes = await store.reconcile(reconcileRequest({ region: 'us-east-1', exceptResources: [role('unread')] }));

      expect(changes.map((change) => change.findingId)).toEqual([inRegion.findingId]);
      for (const kept of [otherRule, otherAccount, otherRegion, unread, attempt]) expect(await store.get(kept.findingId)).toMatchObject({ status: 'open' });
    });

    it('resolves suppressed findings too, and reports nothing for what is already resolved', async () => {
      const { store } = await freshStore();
      const muted = detected({ ruleId: RULE, resource: role('muted'), scope: undefined, eventTime: at(0) });
      const closed = detected({ ruleId: RULE, resource: role('closed'), scope: undefined, eventTime: at(0) });
      await store.apply(evaluation({ detected: [muted, closed] }));
      await store.suppress({ findingId: muted.findingId }, { reason: 'accepted', by: 'cli:alice' });
      await store.resolve(closed.findingId, { reason: 'fixed', by: 'cli:alice' });

      const changes = await store.reconcile(reconcileRequest());
      const again = await store.reconcile(reconcileRequest());

      expect(changes).toMatchObject([{ findingId: muted.findingId, outcome: 'resolved', finding: { status: 'resolved' } }]);
      expect(again).toEqual([]);
      expect((await store.get(closed.findingId))?.history.at(-1)).toMatchObject({ reason: 'fixed' });
    });

    it('lets an event after the scan reopen what it resolved, but not an older one delivered late', async () => {
      const { store } = await freshStore();
      const raised = detected({ ruleId: RULE, resource: role('back'), scope: undefined, eventTime: at(0) });
      await store.apply(evaluation({ detected: [raised] }));
      await store.reconcile(reconcileRequest());

      const late = await store.apply(evaluation({ detected: [{ ...raised, eventId: nextEventId(), eventTime: at(300) }] }));
      const after = await store.apply(evaluation({ detected: [{ ...raised, eventId: nextEventId(), eventTime: at(700) }] }));

      expect(late.changes).toMatchObject([{ outcome: 'updated', finding: { status: 'resolved' } }]);
      expect(after.changes).toMatchObject([{ outcome: 'reopened', finding: { status: 'open', alertState: 'pending' } }]);
    });
  });

  describe('TTL', () => {
    it('sets expiresAt only on resolved findings', async () => {
      const { store } = await freshStore();
      const open = detected({ eventTime: at(0), scope: 'A' });
      const resolvedByHand = detected({ eventTime: at(0), scope: 'B' });
      const suppressed = detected({ eventTime: at(0), scope: 'C' });
      await store.apply(evaluation({ detected: [open, resolvedByHand, suppressed] }));

      await store.resolve(resolvedByHand.findingId, { reason: 'rotated', by: 'cli:alice' });
      await store.suppress({ findingId: suppressed.findingId }, { reason: 'ok', by: 'cli:alice' });

      expect(await harness.storedExpiry(store, open.findingId)).toBeUndefined();
      expect(await harness.storedExpiry(store, suppressed.findingId)).toBeUndefined();
      expect(await harness.storedExpiry(store, resolvedByHand.findingId)).toBe(NOW.getTime() / 1000 + 90 * DAY);
      expect(await store.get(resolvedByHand.findingId)).toMatchObject({ status: 'resolved', expiresAt: NOW.getTime() / 1000 + 90 * DAY });
    });
  });

  describe('alert ledger', () => {
    it('marks an alert sent only once, and only while pending, stamping alertedAt', async () => {
      const { store } = await freshStore();
      const raised = detected();
      await store.apply(evaluation({ detected: [raised] }));

      const results = await Promise.all([store.markAlert(raised.findingId, 'sent'), store.markAlert(raised.findingId, 'sent')]);

      expect(results.sort()).toEqual([false, true]);
      expect(await store.markAlert(raised.findingId, 'failed', 'too large')).toBe(false);
      expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'sent', alertedAt: NOW.toISOString() });
      await store.apply(evaluation({ detected: [detected({ eventTime: at(5) })] }));
      expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'sent', alertedAt: NOW.toISOString(), count: 2 });
    });

    it('lets exactly one of many concurrent callers claim a pending alert, and none while the claim holds', async () => {
      const { store, clock } = await freshStore();
      const raised = detected();
      await store.apply(evaluation({ detected: [raised] }));

      const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimAlert(raised.findingId)));
      clock.now = new Date(NOW.getTime() + ALERT_CLAIM_LEASE_MS - 1000);
      const beforeLease = await store.claimAlert(raised.findingId);

      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(beforeLease).toBe(false);
      expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'pending', alertClaimedAt: NOW.toISOString() });
    });

    it('claims again an alert whose holder died once the lease has ended, or at once after a release', async () => {
      const { store, clock } = await freshStore();
      const died = detected({ scope: 'A' });
      const released = detected({ scope: 'B' });
      await store.apply(evaluation({ detected: [died, released] }));
      await store.claimAlert(died.findingId);
      await store.claimAlert(released.findingId);

      await store.releaseAlert(released.findingId);
      const afterRelease = await store.claimAlert(released.findingId);
      clock.now = new Date(NOW.getTime() + ALERT_CLAIM_LEASE_MS + 1000);
      const afterLease = await Promise.all([store.claimAlert(died.findingId), store.claimAlert(died.findingId)]);

      expect(afterRelease).toBe(true);
      expect(afterLease.sort()).toEqual([false, true]);
      expect(await store.get(died.findingId)).toMatchObject({ alertClaimedAt: clock.now.toISOString() });
    });

    it('drops the claim when the alert state moves, and claims nothing that is not pending', async () => {
      const { store } = await freshStore();
      const raised = detected();
      await store.apply(evaluation({ detected: [raised] }));
      await store.claimAlert(raised.findingId);

      expect(await store.markAlert(raised.findingId, 'sent')).toBe(true);
      expect(await store.claimAlert(raised.findingId)).toBe(false);
      expect(await store.get(raised.findingId)).not.toHaveProperty('alertClaimedAt');
      expect(await store.requeueAlert(raised.findingId)).toBe(true);
      expect(await store.claimAlert(raised.findingId)).toBe(true);
    });

    it('records a permanent failure with its reason, and a requeue clears it for an open finding only', async () => {
      const { store } = await freshStore();
      const raised = detected({ scope: 'A' });
      const closed = detected({ scope: 'B' });
      await store.apply(evaluation({ detected: [raised, closed] }));
      await store.resolve(closed.findingId, { reason: 'gone', by: 'cli:alice' });

      expect(await store.markAlert(raised.findingId, 'failed', 'message too large')).toBe(true);
      expect(await store.get(raised.findingId)).toMatchObject({ alertState: 'failed', alertError: 'message too large' });

      expect(await store.requeueAlert(raised.findingId)).toBe(true);
      expect(await store.requeueAlert(closed.findingId)).toBe(false);
      const requeued = await store.get(raised.findingId);
      expect(requeued).toMatchObject({ alertState: 'pending' });
      expect(requeued).not.toHaveProperty('alertError');
    });

    it("records Security Hub's refusal of a finding, keeps it through later detections, and clears it once an export succeeds", async () => {
      const { store } = await freshStore();
      const raised = detected({ eventTime: at(0) });
      await store.apply(evaluation({ detected: [raised] }));

      const recorded = await store.recordSecurityHubExport(raised.findingId, 'InvalidInput: Resources is empty');
      await store.apply(evaluation({ detected: [detected({ eventTime: at(60) })] }));
      const kept = await store.get(raised.findingId);
      const cleared = await store.recordSecurityHubExport(raised.findingId, undefined);
      const again = await store.recordSecurityHubExport(raised.findingId, undefined);

      expect(recorded).toMatchObject({ outcome: 'updated', finding: { securityHubError: 'InvalidInput: Resources is empty' } });
      expect(kept).toMatchObject({ count: 2, securityHubError: 'InvalidInput: Resources is empty' });
      expect(cleared.outcome).toBe('updated');
      expect(await store.get(raised.findingId)).not.toHaveProperty('securityHubError');
      expect(again.outcome).toBe('unchanged');
      await expect(store.recordSecurityHubExport('no-such-finding', 'x')).rejects.toThrow('no finding no-such-finding');
    });

    it('gives a reminder to one caller, once the last alert is older than the cutoff', async () => {
      const { store, clock } = await freshStore();
      const raised = detected();
      await store.apply(evaluation({ detected: [raised] }));
      expect(await store.claimReminder(raised.findingId, '2024-06-02T00:00:00Z')).toBe(false);
      await store.markAlert(raised.findingId, 'sent');
      clock.now = new Date('2024-06-03T00:00:00Z');

      const tooEarly = await store.claimReminder(raised.findingId, '2024-05-31T00:00:00Z');
      const claims = await Promise.all([
        store.claimReminder(raised.findingId, '2024-06-02T00:00:00Z'),
        store.claimReminder(raised.findingId, '2024-06-02T00:00:00Z'),
      ]);

      expect(tooEarly).toBe(false);
      expect(claims.sort()).toEqual([false, true]);
      expect(await store.get(raised.findingId)).toMatchObject({ alertedAt: '2024-06-03T00:00:00.000Z' });
    });

    it('walks the open findings for the sweep', async () => {
      const { store } = await freshStore();
      const open = detected({ scope: 'A', eventTime: at(0) });
      const closed = detected({ scope: 'B', eventTime: at(5) });
      await store.apply(evaluation({ detected: [open, closed] }));
      await store.resolve(closed.findingId, { reason: 'gone', by: 'cli:alice' });

      const walked: string[] = [];
      for await (const summary of store.openFindings()) walked.push(summary.id);

      expect(walked).toEqual([open.findingId]);
    });
  });

  describe('listing', () => {
    async function seeded(): Promise<FindingsStore> {
      const { store } = await freshStore();
      const events = [
        detected({ scope: 'k1', eventTime: at(10), severity: 'critical' }),
        detected({ scope: 'k2', eventTime: at(20), severity: 'low' }),
        detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::reports', scope: 'acl', eventTime: at(30), severity: 'high' }),
        detected({ ruleId: 's3-bucket-public', resource: 'arn:aws:s3:::public-reports', scope: 'acl', eventTime: at(40), severity: 'medium' }),
        detected({ scope: 'k3', eventTime: at(50), severity: 'high' }),
      ];
      await store.apply(evaluation({ detected: events }));
      await store.resolve(events[4]!.findingId, { reason: 'gone', by: 'cli:alice' });
      return store;
    }

    async function allPages(store: FindingsStore, query: Parameters<FindingsStore['list']>[0]): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.findings.map((finding) => `${finding.lastSeen} ${finding.severity}`));
        cursor = page.cursor;
      } while (cursor !== undefined);
      return seen;
    }

    it('lists newest first, page by page, each finding once', async () => {
      const store = await seeded();

      expect(await allPages(store, { limit: 2 })).toEqual([`${at(40)} medium`, `${at(30)} high`, `${at(20)} low`, `${at(10)} critical`]);
      expect(await allPages(store, { statuses: ['open', 'resolved'], limit: 3 })).toHaveLength(5);
    });

    it('filters by severity, rule, resource, part of a resource and time', async () => {
      const store = await seeded();

      expect(await allPages(store, { minSeverity: 'high' })).toEqual([`${at(30)} high`, `${at(10)} critical`]);
      expect(await allPages(store, { ruleId: 's3-bucket-public', minSeverity: 'high' })).toEqual([`${at(30)} high`]);
      expect(await allPages(store, { resource: 'arn:aws:s3:::reports' })).toEqual([`${at(30)} high`]);
      expect(await allPages(store, { resourceContains: 'reports' })).toEqual([`${at(40)} medium`, `${at(30)} high`]);
      expect(await allPages(store, { since: at(20) })).toEqual([`${at(40)} medium`, `${at(30)} high`, `${at(20)} low`]);
      expect(await allPages(store, { statuses: ['resolved'] })).toEqual([`${at(50)} high`]);
    });

    it('returns summaries that suppressions can match (latest actor) and refuses a cursor it did not make', async () => {
      const store = await seeded();

      const page = await store.list({ limit: 1 });

      expect(page.findings[0]).toMatchObject({ ruleId: 's3-bucket-public', status: 'open', count: 1, latestActor: `arn:aws:iam::${ACCOUNT}:root` });
      await expect(store.list({ cursor: 'not a cursor' })).rejects.toThrow('not a cursor from a previous page');
    });
  });

  describe('reading back', () => {
    it('returns every field it stored, optional ones included', async () => {
      const { store } = await freshStore();
      const raised = detected({ scope: 'k1' });
      await store.apply(evaluation({ detected: [raised] }));
      await store.markAlert(raised.findingId, 'sent');
      await store.suppress({ findingId: raised.findingId }, { reason: 'known', by: 'cli:alice', until: '2030-01-01T00:00:00Z' });
      const suppressed = await store.get(raised.findingId);
      await store.resolve(raised.findingId, { reason: 'fixed', by: 'cli:alice' });

      const finding = await store.get(raised.findingId);

      expect(suppressed).toMatchObject({ status: 'suppressed', suppressionId: expect.any(String), alertedAt: NOW.toISOString(), scope: 'k1' });
      expect(finding).toMatchObject({ status: 'resolved', resolvedAt: NOW.toISOString(), expiresAt: expect.any(Number), alertedAt: NOW.toISOString() });
      expect(finding?.recentOccurrences[0]).toEqual({
        eventId: raised.eventId,
        eventName: raised.eventName,
        eventTime: raised.eventTime,
        region: raised.region,
        actor: raised.actor,
        actorType: raised.actorType,
        mfaAuthenticated: false,
        sourceIp: raised.sourceIp,
        userAgent: raised.userAgent,
      });
      expect(finding?.details).toEqual(raised.details);
      expect(await store.suppressions()).toMatchObject([{ until: '2030-01-01T00:00:00Z', findingId: raised.findingId }]);
    });

    it('refuses a stored finding that does not fit the schema, naming the field', async () => {
      const { store } = await freshStore();
      const raised = detected();
      await store.apply(evaluation({ detected: [raised] }));
      await harness.corrupt(store, raised.findingId, 'alertState', 'maybe');

      const read = store.get(raised.findingId);

      await expect(read).rejects.toThrow(StoredItemError);
      await expect(read).rejects.toThrow(`finding ${raised.findingId}`);
      await expect(read).rejects.toThrow('field "alertState" should be one of pending, sent, failed, none');
    });
  });
});
