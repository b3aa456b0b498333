import { beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../shared/detections/detection.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { examples as rootKeyExamples } from '../../shared/detections/iam/root-access-key-created.examples.js';
import { rootAccessKeyCreated } from '../../shared/detections/iam/root-access-key-created.js';
import { detectEvent } from '../../shared/handlers/detect-event.js';
import { parseTrustedList } from '../../shared/policy/boundary.js';
import { DynamoFindingsStore } from '../../shared/findings/dynamodb/store.js';
import type { FindingsStore } from '../../shared/findings/store.js';
import { asEventBridgeEvent } from '../support/eventbridge.js';
import { useDynalite } from '../support/emulators.js';
import { memoryLogger } from '../support/memory-logger.js';

const dynamo = useDynalite();
let store: FindingsStore;

beforeAll(async () => {
  store = new DynamoFindingsStore(dynamo.client, await dynamo.createTable('detect-event'));
});

const throwing: Detection = {
  ...rootAccessKeyCreated,
  id: 'always-throws',
  evaluate() {
    throw new Error('bug in a rule');
  },
};

describe('detectEvent', () => {
  it('logs a detection that throws with its rule id and still runs the others', async () => {
    const { logger, lines } = memoryLogger();
    const engine = new DetectionEngine([throwing, rootAccessKeyCreated]);
    const result = await detectEvent(asEventBridgeEvent(rootKeyExamples.positive[0]!.record), { engine, store, logger });
    expect(result.changes.map((change) => change.finding?.ruleId)).toEqual(['root-access-key-created']);
    const failure = lines().find((line) => line['ruleId'] === 'always-throws');
    expect(failure?.['msg']).toMatch(/detection failed/);
  });

  it('reports a malformed event with its reason and never logs the event itself', async () => {
    const { logger, lines, text } = memoryLogger();
    const event = {
      id: 'bad-1',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { eventName: 'CreateAccessKey', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    };
    const result = await detectEvent(event, { engine: new DetectionEngine([rootAccessKeyCreated]), store, logger });
    expect(result.status).toBe('rejected');
    expect(result.problems[0]?.reason).toMatch(/eventID|eventSource/);
    expect(lines().some((line) => line['msg'] === 'event is not a CloudTrail record; skipped' && line['source'] === 'eventbridge:bad-1')).toBe(true);
    expect(text()).not.toContain('wJalrXUtnFEMI');
  });

  it('hands the detections the boundary as it is now, not as it was when the engine was built', async () => {
    const seen: string[][] = [];
    const recordsBoundary: Detection = {
      ...rootAccessKeyCreated,
      id: 'records-boundary',
      evaluate(_record, context) {
        seen.push([...context.boundary.accounts]);
        return undefined;
      },
    };
    let accounts = ['444455556666'];
    const boundary = { current: async () => parseTrustedList(accounts.join(','), 'test') };
    const engine = new DetectionEngine([recordsBoundary]);
    const event = asEventBridgeEvent(rootKeyExamples.positive[0]!.record);

    await detectEvent(event, { engine, store, logger: memoryLogger().logger, boundary });
    accounts = ['444455556666', '777788889999'];
    await detectEvent(event, { engine, store, logger: memoryLogger().logger, boundary });

    expect(seen).toEqual([['444455556666'], ['444455556666', '777788889999']]);
  });
});
