import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../shared/detections/catalogue.js';
import { matchesOf } from '../../shared/detections/detection.js';
import { EXAMPLE_CONTEXT } from '../../shared/detections/example-events.js';
import { loadExamples } from './load-examples.js';

/** Every path to a value inside a record's request, response and extra data: where an attacker writes. */
function leafPaths(value: unknown, path: readonly string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [[...path]];
  const entries = Object.entries(value as Record<string, unknown>);
  return [[...path], ...entries.flatMap(([key, child]) => leafPaths(child, [...path, key]))];
}

/** A deep copy of `record` with the value at `path` replaced. */
function withValueAt(record: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(record);
  let parent: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path.at(-1);
  if (last !== undefined) parent[last] = value;
  return copy;
}

const anything = fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withSparseArray: true });

// Each rule's own examples reach the fields it reads; any value in any of those fields must never make it throw.
describe.each(catalogue.map((detection) => [detection.id, detection] as const))('%s never throws', async (_id, detection) => {
  const examples = await loadExamples(detection.id);
  const records = [...examples.positive, ...examples.negative, ...(examples.resolving ?? [])].map((example) => example.record as Record<string, unknown>);
  const targets = records.flatMap((record) =>
    ['requestParameters', 'responseElements', 'additionalEventData', 'userIdentity', 'errorCode'].flatMap((field) =>
      leafPaths(record[field], [field]).map((path) => ({ record, path })),
    ),
  );

  it('when any field its examples carry holds any value', () => {
    expect(targets.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: targets.length - 1 }), anything, (index, value) => {
        const { record, path } = targets[index]!;
        const mutated = withValueAt(record, path, value) as typeof record & { eventID: string; eventSource: string; eventName: string; eventTime: string };
        expect(Array.isArray(matchesOf(detection.evaluate(mutated, EXAMPLE_CONTEXT)))).toBe(true);
        expect(Array.isArray(detection.resolves?.(mutated, EXAMPLE_CONTEXT) ?? [])).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
