import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { exampleEvent } from '../../shared/detections/example-events.js';
import { iamWildcardGrant } from '../../shared/detections/iam/iam-wildcard-grant.js';
import type { Detected } from '../../shared/findings/finding.js';
import { replay } from '../../shared/replay/replay.js';

const POLICY = 'arn:aws:iam::111122223333:policy/OpsAccess';
const admin = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

const storedVersion = exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
  eventTime: '2026-11-20T10:00:00Z',
  requestParameters: { policyArn: POLICY, policyDocument: admin, setAsDefault: false },
  responseElements: { policyVersion: { versionId: 'v2', isDefaultVersion: false, createDate: 'Nov 20, 2026 10:00:00 AM' } },
});
const madeDefault = exampleEvent('iam.amazonaws.com', 'SetDefaultPolicyVersion', {
  eventTime: '2026-11-20T10:05:00Z',
  requestParameters: { policyArn: POLICY, versionId: 'v2' },
});

/** Replays records as JSON Lines on standard input, without a findings table; returns what was detected. */
async function detectedIn(records: readonly CloudTrailRecord[], window?: { since?: Date }): Promise<Detected[]> {
  const detected: Detected[] = [];
  await replay({
    ...(window === undefined ? {} : { window }),
    inputs: ['-'],
    stdin: Readable.from([records.map((record) => JSON.stringify(record)).join('\n')]),
    engine: new DetectionEngine([iamWildcardGrant]),
    onDetected: (detection) => detected.push(detection),
  });
  return detected;
}

describe('replay and policy versions', () => {
  it('remembers a version stored without being made the default and judges the SetDefaultPolicyVersion that follows', async () => {
    const detected = await detectedIn([storedVersion, madeDefault]);
    expect(detected.map(({ eventName, scope, severity }) => ({ eventName, scope, severity }))).toEqual([
      { eventName: 'CreatePolicyVersion', scope: 'version:v2', severity: 'high' },
      { eventName: 'SetDefaultPolicyVersion', scope: 'document', severity: 'critical' },
    ]);
    expect(detected[1]?.details).toMatchObject({ versionId: 'v2', documentFrom: 'seen-earlier' });
  });

  it('raises nothing on a SetDefaultPolicyVersion whose version it never saw', async () => {
    expect(await detectedIn([madeDefault])).toEqual([]);
  });

  it('learns from a version written before --since, to judge the SetDefaultPolicyVersion inside the window', async () => {
    const detected = await detectedIn([storedVersion, madeDefault], { since: new Date('2026-11-20T10:01:00Z') });

    expect(detected.map(({ eventName, scope }) => `${eventName} ${scope}`)).toEqual(['SetDefaultPolicyVersion document']);
  });
});
