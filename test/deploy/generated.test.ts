import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedDeployFiles } from '../../scripts/event-pattern.js';
import {
  API_CALL,
  CONSOLE_SIGN_IN,
  eventBridgeSource,
  SERVICE_EVENT,
  eventPattern,
  forwarderTemplate,
  READ_ONLY_RULE_STATE,
  readOnlyEventPattern,
} from '../../shared/deploy/event-pattern.js';
import { findingsTableProperties } from '../../shared/deploy/findings-table.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import type { Detection } from '../../shared/detections/detection.js';
import { tableDefinition } from '../../shared/findings/dynamodb/table.js';
import { analyseBucketPolicy } from '../../shared/policy/bucket-policy.js';
import { findWildcardGrants } from '../../shared/policy/wildcard-grants.js';
import type { Template } from './package.js';
import { templatePolicies } from './policies.js';

describe('generated deployment files', () => {
  it.each(Object.keys(generatedDeployFiles()).map((path) => [path.replace(/^.*\/deploy\//, 'deploy/'), path]))(
    '%s is in step with the catalogue and the table definition (run: node bin/run-ts.js scripts/event-pattern.ts)',
    async (_name, path) => {
      expect(await readFile(path, 'utf8')).toBe(generatedDeployFiles()[path]);
    },
  );
});

describe('eventPattern', () => {
  it('lets through every event of every detection, and nothing from other services', () => {
    for (const detection of catalogue) {
      for (const selector of detection.events) {
        // Read-only events reach only the rule of their own (a rule in state ENABLED never gets them).
        const pattern = selector.readOnly === true ? readOnlyEventPattern(catalogue)! : eventPattern(catalogue);
        expect(pattern.detail.eventSource).toContain(selector.eventSource);
        expect(pattern.source).toContain(eventBridgeSource(selector.eventSource));
        for (const name of selector.eventNames) expect(pattern.detail.eventName).toContain(name);
      }
    }
    const writeSources = catalogue.flatMap((d) => d.events.filter((s) => s.readOnly !== true).map((s) => s.eventSource));
    expect(eventPattern(catalogue).detail.eventSource).toEqual([...new Set(writeSources)].sort());
  });

  it('adds the console sign-in detail type only when a detection listens to sign-in events, and AWS service events always', () => {
    const only = (eventSource: string): Detection[] => [{ ...catalogue[0]!, events: [{ eventSource, eventNames: ['X'] }] }];
    expect(eventPattern(only('iam.amazonaws.com'))['detail-type']).toEqual([API_CALL, SERVICE_EVENT]);
    expect(eventPattern(only('signin.amazonaws.com'))['detail-type']).toEqual([API_CALL, CONSOLE_SIGN_IN, SERVICE_EVENT]);
    expect(eventPattern(only('signin.amazonaws.com')).source).toEqual(['aws.signin']);
  });

  it('keeps read-only events out of the main pattern and in a pattern of their own', () => {
    const detections: Detection[] = [
      { ...catalogue[0]!, events: [{ eventSource: 'iam.amazonaws.com', eventNames: ['CreateUser'] }] },
      { ...catalogue[0]!, events: [{ eventSource: 'sts.amazonaws.com', eventNames: ['GetFederationToken'], readOnly: true }] },
    ];
    expect(eventPattern(detections).detail).toEqual({ eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser'] });
    expect(readOnlyEventPattern(detections)?.detail).toEqual({ eventSource: ['sts.amazonaws.com'], eventName: ['GetFederationToken'] });
    expect(readOnlyEventPattern(detections.slice(0, 1))).toBeUndefined();
  });
});

describe('forwarderTemplate', () => {
  const template = forwarderTemplate(eventPattern(catalogue), readOnlyEventPattern(catalogue)) as {
    Resources: Record<string, { Condition: string; Properties: Record<string, unknown> }>;
  };

  it('forwards the same pattern to the home region default bus through a role', () => {
    const rule = template.Resources['ForwardRule']!.Properties;
    expect(rule['EventPattern']).toEqual(eventPattern(catalogue));
    expect(rule['Targets']).toEqual([
      {
        Id: 'home-region-default-bus',
        Arn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${HomeRegion}:${AWS::AccountId}:event-bus/default' },
        RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] },
      },
    ]);
  });

  it("passes iam-warden's own policy analysis: put events on the home bus only, assumed only by EventBridge of this account", () => {
    const policies = templatePolicies(template as unknown as Template);
    expect(policies.map((policy) => policy.kind).sort()).toEqual(['identity', 'trust']);
    for (const policy of policies) {
      const wildcards = findWildcardGrants(policy.document);
      expect(wildcards.ok && wildcards.grants).toEqual([]);
      if (policy.kind === 'trust') {
        const exposure = analyseBucketPolicy(policy.document);
        expect(exposure.ok && exposure.statements).toEqual([]);
      }
    }
    const [put] = (policies.find((policy) => policy.kind === 'identity')?.document['Statement'] ?? []) as { Action: string; Resource: string }[];
    expect(put).toEqual({ Effect: 'Allow', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:123456789012:event-bus/default' });
  });

  it('forwards the read-only events with the rule state that receives them', () => {
    const rule = template.Resources['ForwardReadOnlyRule']!.Properties;
    expect(rule['EventPattern']).toEqual(readOnlyEventPattern(catalogue));
    expect(rule['State']).toBe(READ_ONLY_RULE_STATE);
  });

  it('creates nothing in the home region itself, where a forwarding rule would loop', () => {
    for (const resource of Object.values(template.Resources)) expect(resource.Condition).toBe('NotHomeRegion');
  });
});

describe('findingsTableProperties', () => {
  it('carries every key and index of the store definition', () => {
    const definition = tableDefinition('any');
    const generated = findingsTableProperties();
    expect(generated.KeySchema).toEqual(definition.KeySchema);
    expect(generated.AttributeDefinitions).toEqual(definition.AttributeDefinitions);
    expect(generated.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
  });
});
