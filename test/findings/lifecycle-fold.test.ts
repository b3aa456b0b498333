import { describe, expect, it } from 'vitest';
import { applyEvents, SEEN_EVENT_IDS, type FindingEvent, type FindingState } from '../../shared/findings/lifecycle.js';
import { at, detected } from '../support/findings-factory.js';

const context = { now: new Date('2024-06-01T00:00:00Z'), suppressions: [], resolvedTtlDays: 90 };
const detect = (seconds: number): FindingEvent => ({ kind: 'detected', detected: detected({ eventTime: at(seconds) }) });

describe('applyEvents (the pure fold)', () => {
  it('remembers a bounded number of event ids and never counts an older, forgotten one twice', () => {
    const events = Array.from({ length: SEEN_EVENT_IDS + 5 }, (_, i) => detect(i));

    const first = applyEvents(undefined, events, context);
    const state = first.next as FindingState;
    const replayed = applyEvents(state, events, context);
    const late = applyEvents(state, [detect(2)], context);
    const newer = applyEvents(state, [detect(SEEN_EVENT_IDS + 100)], context);

    expect(Object.keys(state.seen)).toHaveLength(SEEN_EVENT_IDS);
    expect(state.seenFloor).toBe(at(4));
    expect(state.finding?.count).toBe(SEEN_EVENT_IDS + 5);
    expect(replayed).toMatchObject({ next: undefined, outcome: 'unchanged' });
    expect(late).toMatchObject({ next: undefined, outcome: 'unchanged' });
    expect(newer.next?.finding?.count).toBe(SEEN_EVENT_IDS + 6);
  });

  it('keeps the severity and summary of the latest event when an older one arrives late', () => {
    const latest: FindingEvent = { kind: 'detected', detected: detected({ eventTime: at(100), severity: 'high', summary: 'latest' }) };
    const older: FindingEvent = { kind: 'detected', detected: detected({ eventTime: at(10), severity: 'critical', summary: 'older' }) };

    const state = applyEvents(undefined, [latest], context).next;
    const after = applyEvents(state, [older], context).next?.finding;

    expect(after).toMatchObject({ severity: 'high', summary: 'latest', firstSeen: at(10), lastSeen: at(100), count: 2 });
  });

  it('owes an alert again when a newer event raises the severity of a finding that owed none', () => {
    const opened = applyEvents(undefined, [{ kind: 'detected', detected: detected({ eventTime: at(0), severity: 'high' }) }], context).next!;
    // The alerter found it below the threshold: nothing owed.
    const belowThreshold: FindingState = { ...opened, finding: { ...opened.finding!, alertState: 'none' } };

    const same = applyEvents(belowThreshold, [{ kind: 'detected', detected: detected({ eventTime: at(10), severity: 'high' }) }], context).next?.finding;
    const risen = applyEvents(belowThreshold, [{ kind: 'detected', detected: detected({ eventTime: at(10), severity: 'critical' }) }], context).next?.finding;
    const olderRisen = applyEvents(belowThreshold, [{ kind: 'detected', detected: detected({ eventTime: at(-10), severity: 'critical' }) }], context).next
      ?.finding;

    expect(same?.alertState).toBe('none');
    expect(risen).toMatchObject({ severity: 'critical', alertState: 'pending' });
    expect(olderRisen).toMatchObject({ severity: 'high', alertState: 'none' });
  });
});
