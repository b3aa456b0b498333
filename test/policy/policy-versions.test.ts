import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { exampleEvent } from '../../shared/detections/example-events.js';
import {
  attachedPolicyVersion,
  POLICY_VERSION_FIELD,
  PolicyVersionEnricher,
  PolicyVersionMemory,
  type PolicyVersionKey,
  type PolicyVersionSource,
} from '../../shared/policy/policy-versions.js';
import { memoryLogger } from '../support/memory-logger.js';

const POLICY = 'arn:aws:iam::111122223333:policy/ops/OpsAccess';
const admin = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const readOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] });

const iam = (eventName: string, fields: Record<string, unknown>) => exampleEvent('iam.amazonaws.com', eventName, fields);
const createVersion = (versionId: string, document: string, policyArn = POLICY) =>
  iam('CreatePolicyVersion', {
    requestParameters: { policyArn, policyDocument: document, setAsDefault: false },
    responseElements: { policyVersion: { versionId, isDefaultVersion: false } },
  });
const setDefault = (versionId: string, policyArn = POLICY) => iam('SetDefaultPolicyVersion', { requestParameters: { policyArn, versionId } });

/** A source that answers from a table and counts the calls; a missing entry throws like IAM's NoSuchEntity. */
function tableSource(documents: Record<string, unknown>): PolicyVersionSource & { calls: PolicyVersionKey[] } {
  const calls: PolicyVersionKey[] = [];
  return {
    calls,
    async document(key) {
      calls.push(key);
      if (!Object.hasOwn(documents, key.versionId)) throw Object.assign(new Error('Policy version not found'), { name: 'NoSuchEntityException' });
      return documents[key.versionId];
    },
  };
}

describe('PolicyVersionMemory', () => {
  it('attaches the document of a version stored earlier to the SetDefaultPolicyVersion that makes it the default', () => {
    const memory = new PolicyVersionMemory();
    memory.enrich(createVersion('v2', admin));
    const enriched = memory.enrich(setDefault('v2'));
    expect(enriched[POLICY_VERSION_FIELD]).toEqual({ policyArn: POLICY, versionId: 'v2', document: admin, source: 'seen-earlier' });
    expect(attachedPolicyVersion(enriched)).toEqual({ document: admin, source: 'seen-earlier' });
  });

  it('remembers CreatePolicy as version v1, under the ARN of its response or rebuilt from path and name', () => {
    const memory = new PolicyVersionMemory();
    memory.enrich(iam('CreatePolicy', { requestParameters: { policyName: 'OpsAccess', path: '/ops/', policyDocument: admin }, responseElements: null }));
    memory.enrich(
      iam('CreatePolicy', {
        requestParameters: { policyName: 'Other', policyDocument: readOnly },
        responseElements: { policy: { arn: 'arn:aws:iam::111122223333:policy/Other', defaultVersionId: 'v1' } },
      }),
    );
    expect(memory.recall({ policyArn: POLICY, versionId: 'v1' })).toBe(admin);
    expect(memory.recall({ policyArn: 'arn:aws:iam::111122223333:policy/Other', versionId: 'v1' })).toBe(readOnly);
  });

  it('learns nothing from a failed call or from a version whose id was not recorded', () => {
    const memory = new PolicyVersionMemory();
    memory.enrich({ ...createVersion('v2', admin), errorCode: 'LimitExceeded' });
    memory.enrich(iam('CreatePolicyVersion', { requestParameters: { policyArn: POLICY, policyDocument: admin }, responseElements: null }));
    expect(memory.size).toBe(0);
    expect(memory.enrich(setDefault('v2'))[POLICY_VERSION_FIELD]).toBeUndefined();
  });

  it('forgets a deleted version, and every version of a deleted policy (created again, it starts at v1)', () => {
    const memory = new PolicyVersionMemory();
    memory.enrich(createVersion('v2', admin));
    memory.enrich(createVersion('v3', admin));
    memory.enrich(createVersion('v2', admin, `${POLICY}2`));
    memory.enrich(iam('DeletePolicyVersion', { requestParameters: { policyArn: POLICY, versionId: 'v2' } }));
    expect(memory.recall({ policyArn: POLICY, versionId: 'v2' })).toBeUndefined();
    expect(memory.recall({ policyArn: POLICY, versionId: 'v3' })).toBe(admin);
    memory.enrich(iam('DeletePolicy', { requestParameters: { policyArn: POLICY } }));
    expect(memory.recall({ policyArn: POLICY, versionId: 'v3' })).toBeUndefined();
    // A policy whose ARN starts like the deleted one is another policy.
    expect(memory.recall({ policyArn: `${POLICY}2`, versionId: 'v2' })).toBe(admin);
  });

  it('holds at most its capacity, dropping the least recently used version first', () => {
    const memory = new PolicyVersionMemory(2);
    memory.enrich(createVersion('v2', admin));
    memory.enrich(createVersion('v3', readOnly));
    memory.recall({ policyArn: POLICY, versionId: 'v2' });
    memory.enrich(createVersion('v4', readOnly));
    expect(memory.size).toBe(2);
    expect(memory.recall({ policyArn: POLICY, versionId: 'v3' })).toBeUndefined();
    expect(memory.recall({ policyArn: POLICY, versionId: 'v2' })).toBe(admin);
  });

  it('keeps no document longer than IAM allows a managed policy, so memory stays bounded whatever a file holds', () => {
    const memory = new PolicyVersionMemory();
    const huge = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: 'x'.repeat(6_200) }] });
    memory.enrich(createVersion('v2', huge));
    memory.enrich(createVersion('v3', admin));
    expect(memory.recall({ policyArn: POLICY, versionId: 'v2' })).toBeUndefined();
    expect(memory.recall({ policyArn: POLICY, versionId: 'v3' })).toBe(admin);
  });

  it('removes a copy of its field that a replayed record already carries, and leaves other records as they are', () => {
    const memory = new PolicyVersionMemory();
    const forged = { ...setDefault('v2'), [POLICY_VERSION_FIELD]: { policyArn: POLICY, versionId: 'v2', document: readOnly, source: 'seen-earlier' } };
    expect(POLICY_VERSION_FIELD in memory.enrich(forged)).toBe(false);
    const other = iam('PutUserPolicy', { requestParameters: { userName: 'bob', policyName: 'p', policyDocument: admin } });
    expect(memory.enrich(other)).toBe(other);
  });

  it('never throws, whatever the request and response hold', () => {
    const memory = new PolicyVersionMemory(8);
    const names = ['CreatePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'DeletePolicy', 'SetDefaultPolicyVersion'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.anything(), fc.anything(), (eventName, requestParameters, responseElements) => {
        const record: CloudTrailRecord = iam(eventName, { requestParameters, responseElements });
        expect(() => memory.enrich(record)).not.toThrow();
      }),
    );
  });
});

describe('PolicyVersionEnricher', () => {
  it('reads from the source only what the memory does not hold, and remembers it', async () => {
    const source = tableSource({ v4: encodeURIComponent(admin) });
    const memory = new PolicyVersionMemory();
    const enricher = new PolicyVersionEnricher(source, memory);
    const { logger } = memoryLogger();
    memory.enrich(createVersion('v2', readOnly));

    const seen = await enricher.enrich(setDefault('v2'), logger);
    const read = await enricher.enrich(setDefault('v4'), logger);
    await enricher.enrich(setDefault('v4'), logger);

    expect(attachedPolicyVersion(seen)).toEqual({ document: readOnly, source: 'seen-earlier' });
    expect(attachedPolicyVersion(read)).toEqual({ document: encodeURIComponent(admin), source: 'GetPolicyVersion' });
    expect(source.calls).toEqual([{ policyArn: POLICY, versionId: 'v4' }]);
  });

  it('logs a version it cannot read and returns the record without a document', async () => {
    const enricher = new PolicyVersionEnricher(tableSource({}));
    const { logger, lines } = memoryLogger();
    const record = setDefault('v9');

    const enriched = await enricher.enrich(record, logger);

    expect(enriched[POLICY_VERSION_FIELD]).toBeUndefined();
    expect(enriched.eventID).toBe(record.eventID);
    expect(lines()).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'could not read the policy version made default; the event is evaluated without its document',
        policyArn: POLICY,
        versionId: 'v9',
      }),
    );
  });

  it('asks nothing for a failed SetDefaultPolicyVersion or for any other event', async () => {
    const source = tableSource({ v2: admin });
    const enricher = new PolicyVersionEnricher(source);
    const { logger } = memoryLogger();
    await enricher.enrich({ ...setDefault('v2'), errorCode: 'AccessDenied' }, logger);
    await enricher.enrich(iam('AttachRolePolicy', { requestParameters: { roleName: 'r', policyArn: POLICY } }), logger);
    expect(source.calls).toEqual([]);
  });
});
