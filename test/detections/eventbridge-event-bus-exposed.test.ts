import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { eventbridgeEventBusExposed } from '../../shared/detections/events/eventbridge-event-bus-exposed.js';
import { EXAMPLE_CONTEXT, OUTSIDE_ACCOUNT, exampleEvent } from '../../shared/detections/example-events.js';

const engine = new DetectionEngine([eventbridgeEventBusExposed], EXAMPLE_CONTEXT);
const busArn = 'arn:aws:events:eu-west-1:111122223333:event-bus/orders';

describe('eventbridge-event-bus-exposed', () => {
  it('keeps a bus named by its ARN', () => {
    const record = exampleEvent('events.amazonaws.com', 'PutPermission', {
      requestParameters: { eventBusName: busArn, action: 'events:PutEvents', principal: OUTSIDE_ACCOUNT, statementId: 'vendor' },
    });

    const [detected] = engine.evaluate(record).detected;

    expect(detected?.resource).toBe(busArn);
    expect(detected?.summary).toContain('to EventBridge event bus orders, which lets 999988887777');
  });

  it('ignores a condition it cannot read rather than guessing a pin', () => {
    const record = exampleEvent('events.amazonaws.com', 'PutPermission', {
      requestParameters: {
        eventBusName: 'orders',
        action: 'events:PutEvents',
        principal: '*',
        statementId: 'odd',
        condition: 'aws:PrincipalOrgID=o-exampleorg1',
      },
    });

    expect(engine.evaluate(record).detected[0]?.severity).toBe('critical');
  });

  it('does not let a whole exposed policy close the statements it may have replaced', () => {
    const policy = JSON.stringify({ Statement: [{ Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: busArn }] });
    const { detected, resolutions } = engine.evaluate(
      exampleEvent('events.amazonaws.com', 'PutPermission', { requestParameters: { eventBusName: 'orders', policy } }),
    );

    expect(detected.map((d) => d.scope)).toEqual(['policy']);
    expect(resolutions).toEqual([]);
  });
});
