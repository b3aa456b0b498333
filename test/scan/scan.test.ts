// The scan runner with stand-in readers (no AWS): which rules run, what a failed or partial read
// reports, and that a partial scan never resolves a finding in the part it could not read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFindingsStore } from '../../shared/findings/open.js';
import type { OpenedFindingsStore } from '../../shared/findings/store.js';
import { silentLogger } from '../../shared/logging/logger.js';
import { ONLY_OWN_ACCOUNT } from '../../shared/policy/boundary.js';
import { mapBounded } from '../../shared/scan/concurrency.js';
import type { EquivalentChange, ScanRequest, StateReader } from '../../shared/scan/reader.js';
import { recordScan } from '../../shared/scan/record.js';
import { cloudTrailTime, scanAccount } from '../../shared/scan/scan.js';
import { detected, evaluation } from '../support/findings-factory.js';

const ACCOUNT = '123456789012';
const NOW = new Date('2024-06-01T08:00:00.750Z');
const trust = (principal: unknown) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] });
const createRole = (roleName: string, principal: unknown): EquivalentChange => ({
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateRole',
  requestParameters: { roleName, assumeRolePolicyDocument: trust(principal) },
});
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** A regional reader that sees one public role per region, named after it, and fails where told. */
function regionalReader(failIn: Readonly<Record<string, Error>> = {}): StateReader {
  return {
    id: 'roles-by-region',
    reach: 'regional',
    ruleIds: ['iam-role-trust-public'],
    permissions: ['iam:ListRoles'],
    async read(target, sink) {
      const failure = failIn[target.region];
      if (failure !== undefined) throw failure;
      sink.observe(createRole(`public-${target.region}`, '*'));
      sink.progress('roles', 1);
    },
  };
}

function request(readers: readonly StateReader[], regions: readonly string[] = ['eu-west-1', 'us-east-1']): ScanRequest {
  return {
    account: ACCOUNT,
    caller: `arn:aws:iam::${ACCOUNT}:user/auditor`,
    partition: 'aws',
    regions,
    globalRegion: 'us-east-1',
    readers,
    clientConfig: { maxAttempts: 1, retryMode: 'standard' },
  };
}

const run = { context: { boundary: ONLY_OWN_ACCOUNT }, logger: silentLogger, now: () => NOW };

function disabledRegion(): Error {
  return Object.assign(new Error('The security token included in the request is invalid.'), { name: 'UnrecognizedClientException' });
}

/** The reads made, as `reader region`, by readers that fail where told. */
const calls: string[] = [];
function countedReader(id: string, failIn: Readonly<Record<string, Error>>): StateReader {
  const reader = regionalReader(failIn);
  return {
    ...reader,
    id,
    read(target, sink) {
      calls.push(`${id} ${target.region}`);
      return reader.read(target, sink);
    },
  };
}

describe('scanAccount', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('runs only the reader own rules over what it saw (another rule listening to the same call stays silent)', async () => {
    const reader: StateReader = {
      id: 'trust-only-public',
      reach: 'global',
      ruleIds: ['iam-role-trust-public'],
      permissions: [],
      async read(_target, sink) {
        sink.observe(createRole('to-outside', { AWS: 'arn:aws:iam::444455556666:root' }));
        sink.observe(createRole('to-anyone', '*'));
      },
    };

    const report = await scanAccount(request([reader]), run);

    expect(report.detected.map((item) => [item.ruleId, item.resource])).toEqual([['iam-role-trust-public', roleArn('to-anyone')]]);
    expect(report).toMatchObject({ account: ACCOUNT, startedAt: '2024-06-01T08:00:00Z', finishedAt: '2024-06-01T08:00:00Z', problems: [] });
  });

  it('reports a region that refuses the read, scans the others, and leaves it out of what may be reconciled', async () => {
    const report = await scanAccount(request([regionalReader({ 'eu-west-1': disabledRegion() })], ['eu-west-1', 'us-east-1', 'ap-south-1']), run);

    expect(report.problems).toEqual([
      {
        reader: 'roles-by-region',
        region: 'eu-west-1',
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    ]);
    expect(report.detected.map((item) => item.resource).sort()).toEqual([roleArn('public-ap-south-1'), roleArn('public-us-east-1')]);
    expect(report.coverage.map((part) => part.region).sort()).toEqual(['ap-south-1', 'us-east-1']);
    expect(report.counts).toEqual({ roles: 2 });
  });

  it('tries no other reader in a region that did not answer, but still tries them where one service refused', async () => {
    const denied = Object.assign(new Error('not authorized to perform: sns:ListTopics'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const readers = [countedReader('first', { 'eu-west-1': disabledRegion(), 'us-east-1': denied }), countedReader('second', {})];

    const report = await scanAccount({ ...request(readers), parallelReads: 1 }, run);

    expect(calls).toEqual(['first eu-west-1', 'first us-east-1', 'second us-east-1']);
    expect(report.problems.map((problem) => [problem.reader, problem.region, problem.code])).toEqual([
      ['first', 'eu-west-1', 'UnrecognizedClientException'],
      ['first', 'us-east-1', 'AccessDenied'],
      ['second', 'eu-west-1', 'UnrecognizedClientException'],
    ]);
    expect(report.problems[2]?.message).toBe('not read: eu-west-1 did not answer the first read (The security token included in the request is invalid.)');
    expect(report.coverage.map((part) => `${part.reader} ${part.region}`)).toEqual(['second us-east-1']);
  });

  it('takes two silent readers to give up on a region: one may be a single service in trouble', async () => {
    const silent = () =>
      Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    const readers = ['first', 'second', 'third'].map((id) => countedReader(id, id === 'third' ? {} : { 'eu-west-1': silent() }));

    const report = await scanAccount({ ...request(readers, ['eu-west-1']), parallelReads: 1 }, run);

    expect(calls).toEqual(['first eu-west-1', 'second eu-west-1']);
    expect(report.problems.map((problem) => `${problem.reader} ${problem.code}`)).toEqual([
      'first InternalError',
      'second InternalError',
      'third InternalError',
    ]);
    expect(report.problems[2]?.message).toMatch(/^not read: eu-west-1 did not answer the second read/);

    calls.length = 0;
    const oneService = await scanAccount({ ...request([readers[0]!, readers[2]!], ['eu-west-1']), parallelReads: 1 }, run);

    expect(calls).toEqual(['first eu-west-1', 'third eu-west-1']);
    expect(oneService.coverage.map((part) => part.reader)).toEqual(['third']);
  });

  it('keeps going after a resource it could not read, and keeps that resource out of the reconcile', async () => {
    const reader: StateReader = {
      id: 'partial',
      reach: 'global',
      ruleIds: ['iam-role-trust-public', 'iam-role-trust-outside'],
      permissions: [],
      async read(_target, sink) {
        sink.unread({ resource: roleArn('locked'), reason: 'AccessDenied' });
        sink.observe(createRole('to-anyone', '*'));
      },
    };

    const report = await scanAccount(request([reader]), run);

    expect(report.detected).toHaveLength(1);
    expect(report.unread).toEqual([{ resource: roleArn('locked'), reason: 'AccessDenied', reader: 'partial', region: 'us-east-1' }]);
    expect(report.coverage).toEqual([
      { reader: 'partial', ruleIds: ['iam-role-trust-public', 'iam-role-trust-outside'], region: undefined, exceptResources: [roleArn('locked')] },
    ]);
  });

  it('treats a rule that throws on a state as a failed read (nothing of it is reconciled)', async () => {
    const reader: StateReader = { ...regionalReader(), reach: 'global', ruleIds: ['exploding'] };
    const exploding = {
      ...(await import('../../shared/detections/iam/iam-role-trust-public.js')).iamRoleTrustPublic,
      id: 'exploding',
      evaluate(): never {
        throw new Error('boom');
      },
    };

    const report = await scanAccount(request([reader]), { ...run, catalogue: [exploding] });

    expect(report.problems).toMatchObject([{ reader: 'roles-by-region', code: 'RuleFailed', message: 'rule exploding failed on CreateRole: boom' }]);
    expect(report.coverage).toEqual([]);
  });

  it('writes times as CloudTrail does, floored to the second', () => {
    expect(cloudTrailTime(new Date('2024-06-01T08:00:00.999Z'))).toBe('2024-06-01T08:00:00Z');
  });
});

describe('recordScan (a partial scan)', () => {
  let dir: string;
  let opened: OpenedFindingsStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warden-scan-'));
    opened = await openFindingsStore({ storeDir: dir, now: () => NOW });
  });
  afterEach(async () => {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves stale findings only in the regions it read, and opens what it saw', async () => {
    const stale = (region: string) => ({
      ...detected({ ruleId: 'iam-role-trust-public', resource: roleArn(`old-${region}`), scope: undefined, eventTime: '2024-05-01T12:00:00Z' }),
      region,
    });
    const unreadable = stale('eu-west-1');
    const gone = stale('us-east-1');
    await opened.store.apply(evaluation({ detected: [unreadable, gone] }));

    const report = await scanAccount(request([regionalReader({ 'eu-west-1': disabledRegion() })]), run);
    const recorded = await recordScan(opened.store, report);

    expect(recorded.written.map((change) => [change.finding?.resource, change.outcome])).toEqual([[roleArn('public-us-east-1'), 'opened']]);
    expect(recorded.resolved.map((change) => change.findingId)).toEqual([gone.findingId]);
    expect(await opened.store.get(unreadable.findingId)).toMatchObject({ status: 'open' });
    expect(await opened.store.get(gone.findingId)).toMatchObject({ status: 'resolved', resolvedAt: '2024-06-01T08:00:00Z' });
  });

  it('sees the same risk on the next scan as the same finding, still open', async () => {
    await recordScan(opened.store, await scanAccount(request([regionalReader()], ['us-east-1']), run));
    const later = { ...run, now: () => new Date('2024-06-02T08:00:00Z') };

    const second = await recordScan(opened.store, await scanAccount(request([regionalReader()], ['us-east-1']), later));

    expect(second.written).toMatchObject([{ outcome: 'updated', finding: { status: 'open', count: 2, lastSeen: '2024-06-02T08:00:00Z' } }]);
    expect(second.resolved).toEqual([]);
  });
});

describe('mapBounded', () => {
  it('never runs more than the limit at once, and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (delay) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
      return delay * 10;
    });

    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('rejects with the first failure', async () => {
    await expect(mapBounded([1, 2, 3], 3, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n))).rejects.toThrow('two');
  });
});
