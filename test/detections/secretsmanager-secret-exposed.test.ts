import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { EXAMPLE_CONTEXT, exampleEvent } from '../../shared/detections/example-events.js';
import { secretsmanagerSecretExposed } from '../../shared/detections/secretsmanager/secretsmanager-secret-exposed.js';

const engine = new DetectionEngine([secretsmanagerSecretExposed], EXAMPLE_CONTEXT);
const resourcePolicy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });

describe('secretsmanager-secret-exposed', () => {
  it('prefers the full ARN of the response to the name of the request', () => {
    const record = exampleEvent('secretsmanager.amazonaws.com', 'PutResourcePolicy', {
      requestParameters: { secretId: 'prod/api-key', resourcePolicy },
      responseElements: { arn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-key-Zx9Yw8', name: 'prod/api-key' },
    });

    expect(engine.evaluate(record).detected[0]?.resource).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-key-Zx9Yw8');
  });

  it('falls back to a partial ARN when only the name is known', () => {
    const record = exampleEvent('secretsmanager.amazonaws.com', 'PutResourcePolicy', { requestParameters: { secretId: 'prod/api-key', resourcePolicy } });

    const [detected] = engine.evaluate(record).detected;

    expect(detected?.resource).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-key');
    expect(detected?.summary).toContain('on secret prod/api-key that lets anyone');
  });
});
