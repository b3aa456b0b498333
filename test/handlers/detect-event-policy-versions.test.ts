import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { mockClient } from 'aws-sdk-client-mock';
import { GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { exampleEvent } from '../../shared/detections/example-events.js';
import { iamWildcardGrant } from '../../shared/detections/iam/iam-wildcard-grant.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { PolicyVersionEnricher } from '../../shared/policy/policy-versions.js';
import { IamPolicyVersionSource } from '../../shared/policy/policy-versions-iam.js';
import { useDynalite } from '../support/emulators.js';
import { asEventBridgeEvent } from '../support/eventbridge.js';
import { memoryLogger } from '../support/memory-logger.js';

// The handler path with the enrichment the Lambda wires: IAM mocked (the exact GetPolicyVersion call
// is the point), the findings table on dynalite.
const iam = mockClient(IAMClient);
const dynamo = useDynalite();
let store: FindingsStore;

beforeAll(async () => {
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('detect-policy-versions'));
});
beforeEach(() => iam.reset());

const POLICY = 'arn:aws:iam::111122223333:policy/OpsAccess';
const admin = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const engine = new DetectionEngine([iamWildcardGrant]);
const setDefault = (versionId: string, eventID: string) =>
  exampleEvent('iam.amazonaws.com', 'SetDefaultPolicyVersion', { eventID, requestParameters: { policyArn: POLICY, versionId } });
const enricher = () => new PolicyVersionEnricher(new IamPolicyVersionSource(new IAMClient({ region: 'us-east-1' })));

describe('detectEvent with policy versions', () => {
  it('reads the version with GetPolicyVersion and raises on a SetDefaultPolicyVersion to a wildcard document', async () => {
    // IAM returns the document URL-encoded (RFC 3986).
    iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: encodeURIComponent(admin), VersionId: 'v3', IsDefaultVersion: true } });
    const { logger } = memoryLogger();

    const result = await detectEvent(asEventBridgeEvent(setDefault('v3', 'set-default-0001')), { engine, store, logger, enricher: enricher() });

    expect(iam).toHaveReceivedCommandExactlyOnceWith(GetPolicyVersionCommand, { PolicyArn: POLICY, VersionId: 'v3' });
    expect(result.changes.map((change) => change.finding)).toEqual([
      expect.objectContaining({ ruleId: 'iam-wildcard-grant', resource: POLICY, scope: 'document', severity: 'critical' }),
    ]);
  });

  it('asks IAM nothing for a version this container saw being created', async () => {
    const { logger } = memoryLogger();
    const withMemory = enricher();
    const stored = exampleEvent('iam.amazonaws.com', 'CreatePolicyVersion', {
      eventID: 'create-version-0002',
      requestParameters: { policyArn: POLICY, policyDocument: admin, setAsDefault: false },
      responseElements: { policyVersion: { versionId: 'v4', isDefaultVersion: false } },
    });

    await detectEvent(asEventBridgeEvent(stored), { engine, store, logger, enricher: withMemory });
    const result = await detectEvent(asEventBridgeEvent(setDefault('v4', 'set-default-0002')), { engine, store, logger, enricher: withMemory });

    expect(iam).not.toHaveReceivedCommand(GetPolicyVersionCommand);
    expect(result.changes.map((change) => change.finding?.scope)).toEqual(['document']);
  });

  it('logs a failed read and evaluates the event without the document, never losing it', async () => {
    iam.on(GetPolicyVersionCommand).rejects(Object.assign(new Error('User is not authorized to perform: iam:GetPolicyVersion'), { name: 'AccessDenied' }));
    const { logger, lines } = memoryLogger();

    const result = await detectEvent(asEventBridgeEvent(setDefault('v5', 'set-default-0003')), { engine, store, logger, enricher: enricher() });

    expect(result.status).toBe('processed');
    expect(result.changes).toEqual([]);
    expect(lines()).toContainEqual(
      expect.objectContaining({ msg: 'could not read the policy version made default; the event is evaluated without its document', versionId: 'v5' }),
    );
    expect(lines()).toContainEqual(expect.objectContaining({ msg: 'event processed', records: 1 }));
  });
});
