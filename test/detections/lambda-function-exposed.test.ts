import { describe, expect, it } from 'vitest';
import { matchesOf } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT, OUTSIDE_ACCOUNT, exampleEvent } from '../../shared/detections/example-events.js';
import { lambdaFunctionExposed } from '../../shared/detections/lambda/lambda-function-exposed.js';

const addPermission = (requestParameters: Record<string, unknown>) =>
  exampleEvent('lambda.amazonaws.com', 'AddPermission20150331v2', {
    requestParameters: { functionName: 'orders-export', statementId: 'grant', action: 'lambda:InvokeFunction', ...requestParameters },
  });
const evaluate = (requestParameters: Record<string, unknown>) => matchesOf(lambdaFunctionExposed.evaluate(addPermission(requestParameters), EXAMPLE_CONTEXT));

describe('lambda-function-exposed reads AddPermission as the statement Lambda writes', () => {
  it('judges "*" pinned to an untrusted organization as shared with that organization', () => {
    const [match] = evaluate({ principal: '*', principalOrgID: 'o-otherorg99' });

    expect(match).toMatchObject({ severity: 'medium', scope: 'permission/grant', details: { exposure: 'outside', outside: ['o-otherorg99'] } });
  });

  it('does not count a source ARN with a wildcard as a pin', () => {
    const [match] = evaluate({ principal: '*', sourceArn: 'arn:aws:execute-api:eu-west-1:111122223333:*' });

    expect(match).toMatchObject({ severity: 'high', details: { exposure: 'public' } });
  });

  it("counts an Alexa skill's event source token as a pin (it names no account)", () => {
    expect(evaluate({ principal: '*', eventSourceToken: 'amzn1.ask.skill.0123' })).toEqual([]);
  });

  it('takes the account of a function named by its full ARN as the trusted own account', () => {
    const [match] = evaluate({ principal: OUTSIDE_ACCOUNT, functionName: `arn:aws:lambda:us-east-1:${OUTSIDE_ACCOUNT}:function:theirs` });

    expect(match).toBeUndefined();
  });

  it.each([
    ['a name with too many parts', { principal: '*', functionName: 'a:b:c:d' }],
    ['a name that is not a string', { principal: '*', functionName: 42 }],
    ['a principal that is not a string', { principal: ['*'] }],
    ['an empty statement id', { principal: '*', statementId: '' }],
  ])('raises nothing, and does not throw, for %s', (_name, requestParameters) => {
    expect(evaluate(requestParameters)).toEqual([]);
  });
});
