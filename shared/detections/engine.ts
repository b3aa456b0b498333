import { accountOf, actorOf, succeeded, type CloudTrailRecord } from '../cloudtrail/record.js';
import { detectedFrom, findingIdOf, type Detected } from '../findings/finding.js';
import type { Detection } from './detection.js';

/** A risk an event removed, addressed to the finding(s) it closes. */
export interface Resolution {
  readonly ruleId: string;
  readonly account: string;
  readonly resource: string;
  /** Undefined closes every finding of the rule on this resource. */
  readonly scope: string | undefined;
  /** The finding it closes when the scope is known. */
  readonly findingId: string | undefined;
  readonly reason: string;
  readonly eventId: string;
  readonly eventTime: string;
  readonly actor: string;
}

/** A detection that threw: reported with its rule id, never stopping the others. */
export interface RuleFailure {
  readonly ruleId: string;
  readonly eventId: string;
  readonly error: unknown;
}

export interface Evaluation {
  readonly detected: Detected[];
  readonly resolutions: Resolution[];
  readonly failures: RuleFailure[];
}

/**
 * Runs a catalogue over records. Detections are indexed by eventSource and eventName once, so a
 * record that no rule listens to costs one map lookup.
 */
export class DetectionEngine {
  private readonly byEvent = new Map<string, Detection[]>();

  constructor(readonly catalogue: readonly Detection[]) {
    for (const detection of catalogue) {
      for (const selector of detection.events) {
        for (const eventName of selector.eventNames) {
          const key = eventKey(selector.eventSource, eventName);
          const listeners = this.byEvent.get(key) ?? [];
          if (!listeners.includes(detection)) listeners.push(detection);
          this.byEvent.set(key, listeners);
        }
      }
    }
  }

  /** Whether any rule listens to this event (lets readers skip work on the rest). */
  listensTo(eventSource: string, eventName: string): boolean {
    return this.byEvent.has(eventKey(eventSource, eventName));
  }

  evaluate(record: CloudTrailRecord): Evaluation {
    const evaluation: Evaluation = { detected: [], resolutions: [], failures: [] };
    const listeners = this.byEvent.get(eventKey(record.eventSource, record.eventName));
    // A failed call (errorCode present) changed nothing: it neither raises nor resolves.
    if (listeners === undefined || !succeeded(record)) return evaluation;
    for (const detection of listeners) {
      try {
        const match = detection.evaluate(record);
        if (match !== undefined) evaluation.detected.push(detectedFrom(record, detection, match));
        for (const removal of detection.resolves?.(record) ?? []) {
          evaluation.resolutions.push(resolutionFrom(record, detection.id, removal.resource, removal.scope, removal.reason));
        }
      } catch (error) {
        evaluation.failures.push({ ruleId: detection.id, eventId: record.eventID, error });
      }
    }
    return evaluation;
  }
}

function eventKey(eventSource: string, eventName: string): string {
  return `${eventSource}\u0000${eventName}`;
}

function resolutionFrom(record: CloudTrailRecord, ruleId: string, resource: string, scope: string | undefined, reason: string): Resolution {
  const account = accountOf(record);
  return {
    ruleId,
    account,
    resource,
    scope,
    findingId: scope === undefined ? undefined : findingIdOf(ruleId, account, resource, scope),
    reason,
    eventId: record.eventID,
    eventTime: record.eventTime,
    actor: actorOf(record).arn,
  };
}
