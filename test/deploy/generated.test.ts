import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedDeployFiles } from '../../scripts/event-pattern.js';
import { API_CALL, CONSOLE_SIGN_IN, eventBridgeSource, eventPattern, forwarderTemplate } from '../../shared/deploy/event-pattern.js';
import { findingsTableProperties } from '../../shared/deploy/findings-table.js';
import { catalogue } from '../../shared/detections/catalogue.js';
import type { Detection } from '../../shared/detections/detection.js';
import { tableDefinition } from '../../shared/findings/table.js';
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
    const pattern = eventPattern(catalogue);
    for (const detection of catalogue) {
      for (const selector of detection.events) {
        expect(pattern.detail.eventSource).toContain(selector.eventSource);
        expect(pattern.source).toContain(eventBridgeSource(selector.eventSource));
        for (const name of selector.eventNames) expect(pattern.detail.eventName).toContain(name);
      }
    }
    expect(pattern.detail.eventSource).toEqual([...new Set(catalogue.flatMap((d) => d.events.map((s) => s.eventSource)))].sort());
  });

  it('adds the console sign-in detail type only when a detection listens to sign-in events', () => {
    const only = (eventSource: string): Detection[] => [{ ...catalogue[0]!, events: [{ eventSource, eventNames: ['X'] }] }];
    expect(eventPattern(only('iam.amazonaws.com'))['detail-type']).toEqual([API_CALL]);
    expect(eventPattern(only('signin.amazonaws.com'))['detail-type']).toEqual([API_CALL, CONSOLE_SIGN_IN]);
    expect(eventPattern(only('signin.amazonaws.com')).source).toEqual(['aws.signin']);
  });
});

describe('forwarderTemplate', () => {
  const template = forwarderTemplate(eventPattern(catalogue)) as { Resources: Record<string, { Condition: string; Properties: Record<string, unknown> }> };

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
