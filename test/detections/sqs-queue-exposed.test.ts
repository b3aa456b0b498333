import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { EXAMPLE_ACCOUNT, EXAMPLE_CONTEXT, OUTSIDE_ACCOUNT, exampleEvent } from '../../shared/detections/example-events.js';
import { sqsQueueExposed } from '../../shared/detections/sqs/sqs-queue-exposed.js';

const engine = new DetectionEngine([sqsQueueExposed], EXAMPLE_CONTEXT);
const publicPolicy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:ReceiveMessage' }] });
const setPolicy = (queueUrl: string) =>
  exampleEvent('sqs.amazonaws.com', 'SetQueueAttributes', { requestParameters: { queueUrl, attributes: { Policy: publicPolicy } } });

describe('sqs-queue-exposed', () => {
  it('reads the account and name from a legacy queue URL', () => {
    const { detected } = engine.evaluate(setPolicy(`https://eu-west-1.queue.amazonaws.com/${OUTSIDE_ACCOUNT}/orders`));

    expect(detected[0]?.resource).toBe(`arn:aws:sqs:eu-west-1:${OUTSIDE_ACCOUNT}:orders`);
  });

  it('ignores a queue URL without an account', () => {
    const { detected, resolutions } = engine.evaluate(setPolicy('https://sqs.eu-west-1.amazonaws.com/orders'));

    expect(detected).toEqual([]);
    expect(resolutions).toEqual([]);
  });

  it('names the accounts and actions AddPermission grants', () => {
    const record = exampleEvent('sqs.amazonaws.com', 'AddPermission', {
      requestParameters: {
        actions: ['SendMessage'],
        AWSAccountIds: [EXAMPLE_ACCOUNT, OUTSIDE_ACCOUNT],
        label: 'feed',
        queueUrl: `https://sqs.eu-west-1.amazonaws.com/${EXAMPLE_ACCOUNT}/orders`,
      },
    });

    const [detected] = engine.evaluate(record).detected;

    expect(detected?.summary).toBe(
      `arn:aws:iam::111122223333:user/alice added permission "feed" to SQS queue orders, which lets ${OUTSIDE_ACCOUNT}, outside the trusted accounts, call SQS:SendMessage.`,
    );
    expect(detected?.scope).toBe('permission/feed');
  });

  it('does not close the label findings of a queue whose new policy is still exposed', () => {
    const { detected, resolutions } = engine.evaluate(setPolicy(`https://sqs.eu-west-1.amazonaws.com/${EXAMPLE_ACCOUNT}/orders`));

    expect(detected.map((d) => d.scope)).toEqual(['policy']);
    expect(resolutions).toEqual([]);
  });
});
