import { describe, expect, it } from 'vitest';
import { applyEvents } from '../../shared/findings/lifecycle.js';
import { FINDING_SCHEMA, readRecord } from '../../shared/findings/schema.js';
import { creationStatements } from '../../shared/findings/sqlite/tables.js';
import { detected } from '../support/findings-factory.js';

const context = { now: new Date('2024-06-01T00:00:00Z'), suppressions: [], resolvedTtlDays: 90 };
const finding = applyEvents(undefined, [{ kind: 'detected', detected: detected() }], context).next!.finding!;
const stored = { ...finding, alertedAt: '2024-06-01T00:00:00Z', pk: 'F#x', gsi1pk: 'open#critical' };

describe('the finding schema', () => {
  it('reads back exactly the declared fields of a stored finding', () => {
    expect(readRecord(FINDING_SCHEMA, stored, 'finding x')).toEqual({ ...finding, alertedAt: '2024-06-01T00:00:00Z' });
  });

  it.each([
    ['a missing required field', { ruleId: undefined }, 'field "ruleId" is missing'],
    ['a field of the wrong type', { alertedAt: 1717200000 }, 'field "alertedAt" should be text, not number 1717200000'],
    ['a value outside its set', { severity: 'urgent' }, 'field "severity" should be one of info, low, medium, high, critical, not text "urgent"'],
    [
      'a wrong field deep in a list',
      { recentOccurrences: [{ ...finding.recentOccurrences[0], actor: undefined }] },
      'field "recentOccurrences[0].actor" is missing',
    ],
    ['a list that is not one', { history: 'opened' }, 'field "history" should be a list, not text "opened"'],
  ])('names the field of %s', (_, change, message) => {
    expect(() => readRecord(FINDING_SCHEMA, { ...stored, ...change }, 'finding x in table t')).toThrow(`finding x in table t: ${message}`);
  });

  it('gives the embedded store a column for every field of a finding', () => {
    const findingsTable = creationStatements().find((statement) => statement.startsWith('CREATE TABLE findings ')) ?? '';

    const columns = findingsTable
      .slice(findingsTable.indexOf('(') + 1)
      .split(', ')
      .map((definition) => definition.split(' ')[0]);
    for (const field of Object.keys(FINDING_SCHEMA)) expect(columns).toContain(field);
    expect(findingsTable).toContain('alertedAt TEXT,');
    expect(findingsTable).toContain('count INTEGER NOT NULL');
  });
});
