import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { DetectionEngine } from '../../shared/detections/engine.js';
import type { DetectionExamples } from '../../shared/detections/detection.js';
import { loadExamples } from './load-examples.js';

// One harness runs every detection's own examples: both outcomes, always.
describe.each(catalogue.map((detection) => [detection.id, detection] as const))('%s', async (_id, detection) => {
  const examples: DetectionExamples = await loadExamples(detection.id);
  const engine = new DetectionEngine([detection]);

  it('has at least one positive and one negative example', () => {
    expect(examples.positive.length).toBeGreaterThan(0);
    expect(examples.negative.length).toBeGreaterThan(0);
  });

  it.each(examples.positive.map((example) => [example.name, example] as const))('raises: %s', (_name, example) => {
    const { detected, failures } = engine.evaluate(example.record);
    expect(failures).toEqual([]);
    expect(detected).toHaveLength(1);
    expect(detected[0]).toMatchObject({ ruleId: detection.id, eventId: example.record.eventID, ...example.expect });
    expect(detected[0]?.summary.length).toBeGreaterThan(20);
  });

  it.each(examples.positive.map((example) => [example.name, example] as const))('gives a scope exactly when the rule is scoped: %s', (_name, example) => {
    const [detected] = engine.evaluate(example.record).detected;
    expect(detected?.scope !== undefined).toBe(detection.scoped);
  });

  it.each((examples.resolving ?? []).map((example) => [example.name, example] as const))('addresses the finding it closes when it can know it: %s', (_name, example) => {
    for (const resolution of engine.evaluate(example.record).resolutions) {
      // Exact (a finding id) for a named scope or a rule without scopes; else found through the table.
      expect(resolution.findingId !== undefined).toBe(resolution.scope !== undefined || !detection.scoped);
    }
  });

  it.each(examples.positive.map((example) => [example.name, example] as const))('stays silent when the call failed: %s', (_name, example) => {
    const failed = { ...example.record, errorCode: 'AccessDenied', errorMessage: 'User is not authorized' };
    expect(engine.evaluate(failed).detected).toEqual([]);
  });

  it.each(examples.negative.map((example) => [example.name, example] as const))('stays silent: %s', (_name, example) => {
    const { detected, failures } = engine.evaluate(example.record);
    expect(failures).toEqual([]);
    expect(detected).toEqual([]);
  });

  it.each((examples.resolving ?? []).map((example) => [example.name, example] as const))('resolves: %s', (_name, example) => {
    const { resolutions, detected } = engine.evaluate(example.record);
    expect(detected).toEqual([]);
    expect(resolutions.map(({ resource, scope }) => ({ resource, scope }))).toEqual(
      example.removes.map(({ resource, scope }) => ({ resource, scope })),
    );
  });

  it('listens to every event its examples use', () => {
    for (const example of [...examples.positive, ...(examples.resolving ?? [])]) {
      expect(engine.listensTo(example.record.eventSource, example.record.eventName)).toBe(true);
    }
  });
});
