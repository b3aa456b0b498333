import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { DetectionEngine, FAILED_ATTEMPT_SCOPE } from '../../shared/detections/engine.js';
import { SEVERITIES, type DetectionContext, type DetectionExamples } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT } from '../../shared/detections/example-events.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail/record.js';
import { itBehavesAsItsExamplesSay } from '../support/rule-harness.js';
import { loadExamples } from './load-examples.js';

// One harness runs every detection's own examples (both outcomes, always), with the checks every kind of
// rule shares (test/support/rule-harness.ts) and those only an event rule has: scopes, failed calls, events.
describe.each(catalogue.map((detection) => [detection.id, detection] as const))('%s', async (_id, detection) => {
  const examples: DetectionExamples = await loadExamples(detection.id);
  const engine = new DetectionEngine([detection], EXAMPLE_CONTEXT);
  /** Each example runs in its own context when it gives one (a different trusted boundary). */
  const run = (example: { record: CloudTrailRecord; context?: DetectionContext }) =>
    (example.context === undefined ? engine : new DetectionEngine([detection], example.context)).evaluate(example.record);

  itBehavesAsItsExamplesSay({
    ruleId: detection.id,
    positive: examples.positive.map((example) => ({
      name: example.name,
      run: () => run(example),
      matches: example.matches,
      expect: { eventId: example.record.eventID, ...example.expect },
    })),
    negative: examples.negative.map((example) => ({ name: example.name, run: () => run(example) })),
    resolving: (examples.resolving ?? []).map((example) => ({ name: example.name, run: () => run(example), removes: example.removes })),
  });

  it.each(examples.positive.map((example) => [example.name, example] as const))('gives a scope exactly when the rule is scoped: %s', (_name, example) => {
    const [detected] = run(example).detected;
    expect(detected?.scope !== undefined).toBe(detection.scoped);
  });

  it.each((examples.resolving ?? []).map((example) => [example.name, example] as const))(
    'addresses the finding it closes when it can know it: %s',
    (_name, example) => {
      for (const resolution of run(example).resolutions) {
        // Exact (a finding id) for a named scope or a rule without scopes; else found through the table.
        expect(resolution.findingId !== undefined).toBe(resolution.scope !== undefined || !detection.scoped);
      }
    },
  );

  it.each(examples.positive.map((example) => [example.name, example] as const))(
    'resolves nothing, and raises only a declared attempt, when the call failed: %s',
    (_name, example) => {
      const failed = { ...example.record, errorCode: 'AccessDenied', errorMessage: 'User is not authorized' };
      const { detected, resolutions } = run({ ...example, record: failed });
      expect(resolutions).toEqual([]);
      if (detection.failedAttemptsMatter?.includes(example.record.eventName) !== true) {
        expect(detected).toEqual([]);
        return;
      }
      const [succeeded] = run(example).detected;
      expect(detected).toHaveLength(example.matches ?? 1);
      expect(SEVERITIES.indexOf(detected[0]!.severity)).toBe(Math.max(0, SEVERITIES.indexOf(succeeded!.severity) - 1));
      expect(detected[0]?.scope?.endsWith(FAILED_ATTEMPT_SCOPE)).toBe(true);
      expect(detected[0]?.findingId).not.toBe(succeeded?.findingId);
      expect(detected[0]?.summary).toMatch(/^Attempted, and failed with AccessDenied/);
    },
  );

  it.each((detection.failedAttemptsMatter ?? []).map((name) => [name] as const))('has a positive example for the failed attempt it declares: %s', (name) => {
    expect(examples.positive.some((example) => example.record.eventName === name)).toBe(true);
  });

  it('listens to every event its examples use', () => {
    for (const example of [...examples.positive, ...(examples.resolving ?? [])]) {
      expect(engine.listensTo(example.record.eventSource, example.record.eventName)).toBe(true);
    }
  });
});
