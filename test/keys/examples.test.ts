import { describe, expect, it } from 'vitest';
import { auditEventId } from '../../shared/keys/decide.js';
import { keyAuditRules } from '../../shared/keys/rules/catalogue.js';
import { itBehavesAsItsExamplesSay } from '../support/rule-harness.js';
import { auditExample, auditResolvingExample, loadKeyExamples } from './load-examples.js';

// The same harness as the event detections (test/support/rule-harness.ts), over each check's example rows.
describe.each(keyAuditRules.map((rule) => [rule.id, rule] as const))('%s', async (_id, rule) => {
  const examples = await loadKeyExamples(rule.id);

  itBehavesAsItsExamplesSay({
    ruleId: rule.id,
    positive: examples.positive.map((example) => ({
      name: example.name,
      run: () => auditExample(rule, example),
      matches: example.matches,
      expect: { resource: example.row.arn, eventId: auditEventId(example.now.toISOString()), ...example.expect },
    })),
    negative: examples.negative.map((example) => ({ name: example.name, run: () => auditExample(rule, example) })),
    resolving: examples.resolving.map((example) => ({
      name: example.name,
      run: () => auditResolvingExample(rule, example),
      removes: example.removes.map(({ scope }) => ({ resource: example.row.arn, scope })),
    })),
  });

  it('has resolving examples, each closing a finding its earlier row raised', () => {
    expect(examples.resolving.length).toBeGreaterThan(0);
    for (const example of examples.resolving) expect(example.removes.length).toBeGreaterThan(0);
  });

  it.each(examples.positive.map((example) => [example.name, example] as const))('scopes by slot or console, never by key id: %s', (_name, example) => {
    for (const finding of auditExample(rule, example).detected) {
      expect([undefined, 'access_key_1', 'access_key_2', 'console']).toContain(finding.scope);
    }
  });
});
