import { describe, expect, it } from 'vitest';
import type { RotationState } from '../../shared/keys/rotation-state.js';
import { day, decideAt as run, factsOf, key, noKey, rotationState, userRow } from './helpers.js';

// The rotation planner, driven through decide() as the audit drives it.
describe('actions by mode', () => {
  const K1 = 'AKIAKEY1000000000001';
  const idle = userRow('idle', { keys: [key(day(0), day(1)), noKey] });
  const idleFacts = { idle: factsOf([{ accessKeyId: K1, status: 'Active', createDate: day(0) }]) };
  const old = userRow('old', { keys: [key(day(0), day(99)), noKey] });
  const oldFacts = { old: factsOf([{ accessKeyId: K1, status: 'Active', createDate: day(0) }], { owner: 'team-data@example.com' }) };

  it('report mode plans but never asks for facts or acts', () => {
    const decision = run([idle, old], day(100), { settings: { mode: 'report' } });
    expect(decision.actions).toEqual([]);
    expect(decision.needFacts).toEqual([]);
    expect(decision.findings.map((f) => (f.details['plannedAction'] as { action: string; dryRun: boolean }).action)).toEqual([
      'deactivate',
      'deactivate',
      'rotate',
    ]);
  });

  it('asks for facts first, then decides', () => {
    expect(run([idle], day(50), { settings: { mode: 'deactivate' } }).needFacts).toEqual(['idle']);
    const decision = run([idle], day(50), { settings: { mode: 'deactivate' }, facts: idleFacts });
    expect(decision.actions).toEqual([{ kind: 'deactivate-key', user: 'idle', userArn: idle.arn, accessKeyId: K1, reason: 'unused' }]);
  });

  it('deactivate mode deactivates a key past the hard limit even when used, not before', () => {
    const row = userRow('ancient', { keys: [key(day(0), day(399)), noKey] });
    const facts = { ancient: factsOf([{ accessKeyId: K1, status: 'Active', createDate: day(0) }]) };
    expect(run([row], day(364), { settings: { mode: 'deactivate' }, facts }).actions).toEqual([]);
    expect(run([row], day(365), { settings: { mode: 'deactivate' }, facts }).actions.map((a) => a.kind)).toEqual(['deactivate-key']);
  });

  it('deactivate mode never rotates', () => {
    expect(run([old], day(100), { settings: { mode: 'deactivate' }, facts: oldFacts }).actions).toEqual([]);
  });

  it('rotate mode starts a rotation for a used key past the rotation age, with the owner', () => {
    const decision = run([old], day(100), { settings: { mode: 'rotate' }, facts: oldFacts });
    expect(decision.actions).toEqual([
      { kind: 'start-rotation', user: 'old', userArn: old.arn, oldKeyId: K1, owner: 'team-data@example.com', previous: undefined },
    ]);
  });

  it('rotate mode does not restart an abandoned rotation of the same key, but rotates after a finished one', () => {
    const abandoned = rotationState({ user: 'old', oldKeyId: K1, phase: 'abandoned', note: 'the new key was deleted; the old key is left alone' });
    const stopped = run([old], day(100), { settings: { mode: 'rotate' }, facts: oldFacts, rotations: [abandoned] });
    expect(stopped.actions).toEqual([]);
    expect(stopped.findings[0]?.summary).toContain('Rotation stopped (the new key was deleted');
    const done = rotationState({ user: 'old', oldKeyId: 'AKIAPREVIOUS', phase: 'done' });
    expect(run([old], day(100), { settings: { mode: 'rotate' }, facts: oldFacts, rotations: [done] }).actions).toMatchObject([
      { kind: 'start-rotation', previous: done },
    ]);
  });

  it('rotate mode never creates a key for a user who already has two', () => {
    const facts = {
      old: factsOf([
        { accessKeyId: K1, status: 'Active', createDate: day(0) },
        { accessKeyId: 'AKIAINACTIVE00000001', status: 'Inactive', createDate: day(3) },
      ]),
    };
    const decision = run([old], day(100), { settings: { mode: 'rotate' }, facts });
    expect(decision.actions).toEqual([]);
    expect(decision.findings[0]?.summary).toContain('already has two keys');
  });

  it('does not act on a key the report slot cannot be matched to', () => {
    const facts = { idle: factsOf([{ accessKeyId: K1, status: 'Active', createDate: day(2) }]) };
    expect(run([idle], day(50), { settings: { mode: 'deactivate' }, facts }).actions).toEqual([]);
  });
});

describe('exemptions', () => {
  const row = userRow('svc', { keys: [key(day(0), day(1)), noKey] });
  const keys = [{ accessKeyId: 'AKIASVC0000000000001', status: 'Active' as const, createDate: day(0) }];
  it.each([
    ['a tag with a reason', factsOf(keys, { 'iam-warden:exempt': 'legacy vendor, ticket SEC-12' }), true],
    ['membership of an exempt group', factsOf(keys, {}, ['break-glass']), true],
    ['an empty exempt tag', factsOf(keys, { 'iam-warden:exempt': ' ' }), false],
    ['another group', factsOf(keys, {}, ['developers']), false],
  ])('%s', (_name, facts, exempt) => {
    const decision = run([row], day(50), { settings: { mode: 'deactivate', exemptGroups: ['break-glass'] }, facts: { svc: facts } });
    expect(decision.actions.length).toBe(exempt ? 0 : 1);
    expect(decision.skipped.length).toBe(exempt ? 1 : 0);
    // The risk is still reported.
    expect(decision.findings.map((f) => f.ruleId)).toEqual(['credentials-unused']);
  });
});

describe('the cap', () => {
  const rows = ['u1', 'u2', 'u3', 'u4'].map((user) => userRow(user, { keys: [key(day(0), day(1)), noKey] }));
  const facts = Object.fromEntries(rows.map((row, i) => [row.user, factsOf([{ accessKeyId: `AKIACAP${i}`, status: 'Active', createDate: day(0) }])]));
  it('acts on at most K users and reports the rest as deferred', () => {
    const decision = run(rows, day(50), { settings: { mode: 'deactivate', maxActionsPerRun: 3 }, facts });
    expect(decision.actions.map((a) => a.user)).toEqual(['u1', 'u2', 'u3']);
    expect(decision.deferred.map((a) => a.user)).toEqual(['u4']);
    expect(decision.capHit).toBe(true);
  });
  it('a cap of 0 acts on nobody', () => {
    expect(run(rows, day(50), { settings: { mode: 'deactivate', maxActionsPerRun: 0 }, facts }).actions).toEqual([]);
  });
  it('finishing rotations in progress comes before new changes', () => {
    const rotating = userRow('zed', { keys: [key(day(-100), day(8)), key(day(0, 1), day(8))] });
    const zedFacts = factsOf([
      { accessKeyId: 'AKIAZEDOLD', status: 'Active', createDate: day(-100) },
      { accessKeyId: 'AKIAZEDNEW', status: 'Active', createDate: day(0, 1) },
    ]);
    const decision = run([...rows, rotating], day(8), {
      settings: { mode: 'rotate', maxActionsPerRun: 1 },
      facts: { ...facts, zed: zedFacts },
      rotations: [rotationState({ user: 'zed', oldKeyId: 'AKIAZEDOLD', newKeyId: 'AKIAZEDNEW' })],
    });
    expect(decision.actions.map((a) => `${a.kind}:${a.user}`)).toEqual(['deactivate-old-key:zed']);
  });
});

describe('the rotation timeline, decided day by day from the stored state', () => {
  const OLD = 'AKIAOLDKEY0000000001';
  const NEW = 'AKIANEWKEY0000000001';
  const state = rotationState({ user: 'rot', oldKeyId: OLD, newKeyId: NEW });
  // The old key was made at day -100; the new one at day 0, hour 1 (after startedAt = day 0).
  const rowAt = (oldLastUsed: Date | undefined, newLastUsed: Date | undefined, oldActive = true) =>
    userRow('rot', { keys: [key(day(-100), oldLastUsed, oldActive), key(day(0, 1), newLastUsed)] });
  const factsAt = (oldStatus: 'Active' | 'Inactive') => ({
    rot: factsOf([
      { accessKeyId: OLD, status: oldStatus, createDate: day(-100) },
      { accessKeyId: NEW, status: 'Active', createDate: day(0, 1) },
    ]),
  });
  const step = (
    n: number,
    phaseState: RotationState,
    oldLastUsed: Date | undefined,
    newLastUsed: Date | undefined,
    oldStatus: 'Active' | 'Inactive' = 'Active',
  ) =>
    run([rowAt(oldLastUsed, newLastUsed, oldStatus === 'Active')], day(n), {
      settings: { mode: 'rotate' },
      facts: factsAt(oldStatus),
      rotations: [phaseState],
    }).actions.map((a) => a.kind);

  it('day 0: starts the rotation (no stored state yet)', () => {
    const decision = run([userRow('rot', { keys: [key(day(-100), day(0)), noKey] })], day(0), {
      settings: { mode: 'rotate' },
      facts: { rot: factsOf([{ accessKeyId: OLD, status: 'Active', createDate: day(-100) }]) },
    });
    expect(decision.actions.map((a) => a.kind)).toEqual(['start-rotation']);
  });

  for (const n of [1, 2, 3, 4, 5, 6]) {
    it(`day ${n}: nothing while the owner installs the new key (old still used)`, () => {
      expect(step(n, state, day(n - 1), undefined)).toEqual([]);
    });
  }

  it('day 7: deactivates the old key', () => {
    expect(step(7, state, day(6), undefined)).toEqual(['deactivate-old-key']);
  });

  it('day 3: deactivates early when the new key is used and the old one has been quiet 2 days', () => {
    expect(step(3, state, day(1), day(3))).toEqual(['deactivate-old-key']);
  });

  it('day 3: no early deactivation while the old key is still used, even if the new one is', () => {
    expect(step(3, state, day(2, 12), day(3))).toEqual([]);
  });

  const deactivated = { ...state, phase: 'old-deactivated' as const };
  for (const n of [8, 12, 16]) {
    it(`day ${n}: nothing during the recovery grace`, () => {
      expect(step(n, deactivated, day(6), day(n - 1), 'Inactive')).toEqual([]);
    });
  }

  it('day 17: deletes the old key', () => {
    expect(step(17, deactivated, day(6), day(16), 'Inactive')).toEqual(['delete-old-key']);
  });

  it('day 17: never deletes an old key used recently while the new key is not in use', () => {
    expect(step(17, deactivated, day(14), undefined, 'Inactive')).toEqual([]);
  });

  it('day 17: deletes an old key used recently when the new key is in use', () => {
    expect(step(17, deactivated, day(14), day(16), 'Inactive')).toEqual(['delete-old-key']);
  });

  it('leaves a rotation alone if someone reactivated the old key', () => {
    const decision = run([rowAt(day(6), day(16))], day(17), { settings: { mode: 'rotate' }, facts: factsAt('Active'), rotations: [deactivated] });
    expect(decision.actions).toMatchObject([{ kind: 'record-rotation', phase: 'abandoned' }]);
  });

  it('records an old key deactivated by someone else and keeps the recovery grace', () => {
    const decision = run([rowAt(day(2), day(3), false)], day(4), { settings: { mode: 'rotate' }, facts: factsAt('Inactive'), rotations: [state] });
    expect(decision.actions).toMatchObject([{ kind: 'record-rotation', phase: 'old-deactivated' }]);
  });

  it('an interrupted start under a live lease is left to its run; after the lease, it is resumed and the undelivered key deleted', () => {
    const interrupted = { ...state, phase: 'key-created' as const, leaseUntil: day(0, 0.25).toISOString() };
    const rowNow = rowAt(day(0), undefined);
    const live = run([rowNow], day(0, 0.1), { settings: { mode: 'rotate' }, facts: factsAt('Active'), rotations: [interrupted] });
    expect(live.actions).toEqual([]);
    const later = run([rowNow], day(1), { settings: { mode: 'rotate' }, facts: factsAt('Active'), rotations: [interrupted] });
    expect(later.actions).toMatchObject([{ kind: 'resume-rotation', undeliveredKeyIds: [NEW] }]);
  });

  it('findings during the rotation show its timeline and where the new key is', () => {
    const decision = run([rowAt(day(2), undefined)], day(3), {
      settings: { mode: 'rotate' },
      facts: factsAt('Active'),
      rotations: [{ ...state, startedAt: day(0).toISOString() }],
    });
    const old = decision.findings.find((f) => f.ruleId === 'access-key-not-rotated');
    expect(old?.details['rotation']).toMatchObject({ phase: 'delivered', newKeyStoredAt: 'iam-warden/access-keys/rot', deactivateAt: day(7).toISOString() });
  });
});

describe('rotations outside rotate mode', () => {
  it('deactivate and report modes leave a rotation in progress as it is', () => {
    const row = userRow('rot', { keys: [key(day(-100), day(6)), key(day(0, 1), day(6))] });
    const facts = {
      rot: factsOf([
        { accessKeyId: 'AKIAOLD', status: 'Active', createDate: day(-100) },
        { accessKeyId: 'AKIANEW', status: 'Active', createDate: day(0, 1) },
      ]),
    };
    const rotations = [rotationState({ user: 'rot', oldKeyId: 'AKIAOLD', newKeyId: 'AKIANEW' })];
    for (const mode of ['report', 'deactivate'] as const) {
      const decision = run([row], day(8), { settings: { mode }, facts, rotations });
      expect(decision.actions).toEqual([]);
      expect(decision.needFacts).toEqual([]);
    }
  });
});
