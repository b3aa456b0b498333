import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../shared/detections/engine.js';
import { ecrRepositoryExposed } from '../../shared/detections/ecr/ecr-repository-exposed.js';
import { EXAMPLE_ACCOUNT, EXAMPLE_CONTEXT, OUTSIDE_ACCOUNT, exampleEvent } from '../../shared/detections/example-events.js';
import { exposureMatch, removalWhenContained } from '../../shared/detections/resource-exposure.js';
import { ONLY_OWN_ACCOUNT } from '../../shared/policy/boundary.js';

const resource = { arn: `arn:aws:sqs:eu-west-1:${EXAMPLE_ACCOUNT}:orders`, label: 'SQS queue orders' };
const record = exampleEvent('sqs.amazonaws.com', 'SetQueueAttributes');
const outsider = (n: number) => `${900000000000 + n}`;
const grant = (sid: string, accounts: string[]) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: { AWS: accounts },
  Action: 'sqs:SendMessage',
  Resource: resource.arn,
});

describe('resource exposure findings', () => {
  it('bounds the evidence: five statements, ten principals each, and counts the rest', () => {
    const statements = Array.from({ length: 7 }, (_unused, index) =>
      grant(
        `Vendor${index}`,
        Array.from({ length: 12 }, (_none, n) => outsider(n)),
      ),
    );

    const match = exposureMatch(record, EXAMPLE_CONTEXT, { resource, document: { Statement: statements } });

    expect(match?.details['statements']).toHaveLength(5);
    expect(match?.details['statementsNotShown']).toBe(2);
    const [first] = match!.details['statements'] as { principals: string[] }[];
    expect(first?.principals).toHaveLength(11);
    expect(first?.principals.at(-1)).toBe('and 2 more');
    expect(match?.summary).toContain('(statement 0 (Vendor0), statement 1 (Vendor1), statement 2 (Vendor2) and 4 more)');
  });

  it('calls a policy with one public statement among outside ones public', () => {
    const document = { Statement: [grant('Vendor', [OUTSIDE_ACCOUNT]), { ...grant('Open', []), Principal: '*' }] };

    const match = exposureMatch(record, EXAMPLE_CONTEXT, { resource, document });

    expect(match?.severity).toBe('critical');
    expect(match?.summary).toBe(
      `arn:aws:iam::111122223333:user/alice set a policy on SQS queue orders that lets anyone call sqs:SendMessage (statement 0 (Vendor), statement 1 (Open)).`,
    );
    expect(match?.details['exposure']).toBe('public');
  });

  it('neither raises nor resolves on a document it cannot read', () => {
    const change = { resource, document: '{"Statement": [' };

    expect(exposureMatch(record, EXAMPLE_CONTEXT, change)).toBeUndefined();
    expect(removalWhenContained(record, EXAMPLE_CONTEXT, change)).toEqual([]);
  });

  it('names the scope of a change in both the finding and the removal', () => {
    const exposed = exposureMatch(record, EXAMPLE_CONTEXT, { resource, scope: 'permission/x', document: { Statement: [grant('x', [OUTSIDE_ACCOUNT])] } });
    const contained = removalWhenContained(record, EXAMPLE_CONTEXT, {
      resource,
      scope: 'permission/x',
      document: { Statement: [grant('x', [EXAMPLE_ACCOUNT])] },
    });

    expect(exposed?.scope).toBe('permission/x');
    expect(contained).toEqual([{ resource: resource.arn, scope: 'permission/x', reason: 'policy now grants nobody outside the trusted accounts' }]);
  });

  it("trusts the account that owns the resource, as its ARN names it (an ECR registry other than the caller's)", () => {
    const registry = '555566667777';
    const policyText = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${registry}:root` }, Action: 'ecr:BatchGetImage' }] });
    const event = exampleEvent('ecr.amazonaws.com', 'SetRepositoryPolicy', {
      requestParameters: { registryId: registry, repositoryName: 'community', policyText },
    });

    const { detected, resolutions } = new DetectionEngine([ecrRepositoryExposed], { boundary: ONLY_OWN_ACCOUNT }).evaluate(event);

    expect(detected).toEqual([]);
    expect(resolutions.map((resolution) => resolution.resource)).toEqual([`arn:aws:ecr:eu-west-1:${registry}:repository/community`]);
  });
});
