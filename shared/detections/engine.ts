import { accountOf, actorOf, succeeded, type CloudTrailRecord } from '../cloudtrail/record.js';
import { detectedFrom, findingIdOf, type Detected } from '../findings/finding.js';
import type { Detection, RiskRemoval } from './detection.js';

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
  readonly detected: readonly Detected[];
  readonly resolutions: readonly Resolution[];
  readonly failures: readonly RuleFailure[];
}

/**
 * Runs a catalogue over records. Detections are indexed by eventSource and eventName once, so a
 * record that no rule listens to costs two map lookups and no allocation.
 */
export class DetectionEngine {
  /** eventSource -> eventName -> detections (two lookups, no string built per record). */
  private readonly byEvent = new Map<string, Map<string, Detection[]>>();

  constructor(readonly catalogue: readonly Detection[]) {
    for (const detection of catalogue) {
      for (const selector of detection.events) {
        const byName = this.byEvent.get(selector.eventSource) ?? new Map<string, Detection[]>();
        this.byEvent.set(selector.eventSource, byName);
        for (const eventName of selector.eventNames) {
          const listeners = byName.get(eventName) ?? [];
          if (!listeners.includes(detection)) listeners.push(detection);
          byName.set(eventName, listeners);
        }
      }
    }
  }

  /** Whether any rule listens to this event (lets readers skip work on the rest). */
  listensTo(eventSource: string, eventName: string): boolean {
    return this.byEvent.get(eventSource)?.has(eventName) === true;
  }

  evaluate(record: CloudTrailRecord): Evaluation {
    const listeners = this.byEvent.get(record.eventSource)?.get(record.eventName);
    // A failed call (errorCode present) changed nothing: it neither raises nor resolves.
    if (listeners === undefined || !succeeded(record)) return NOTHING;
    const detected: Detected[] = [];
    const resolutions: Resolution[] = [];
    const failures: RuleFailure[] = [];
    for (const detection of listeners) {
      try {
        const match = detection.evaluate(record);
        if (match !== undefined) detected.push(detectedFrom(record, detection, match));
        for (const removal of detection.resolves?.(record) ?? []) {
          resolutions.push(resolutionFrom(record, detection, removal));
        }
      } catch (error) {
        failures.push({ ruleId: detection.id, eventId: record.eventID, error });
      }
    }
    return { detected, resolutions, failures };
  }
}

/** The evaluation of the many records no rule listens to: shared, frozen, allocation-free. */
const NOTHING: Evaluation = Object.freeze({ detected: Object.freeze([]), resolutions: Object.freeze([]), failures: Object.freeze([]) });

function resolutionFrom(record: CloudTrailRecord, detection: Detection, { resource, scope, reason }: RiskRemoval): Resolution {
  const account = accountOf(record);
  // Exact when the removal names a scope, or when the rule has none: the finding it closes is known
  // (and kept as an early resolution if its detection has not arrived yet). Otherwise every finding
  // of the rule on the resource is closed, found through the table.
  const exact = scope !== undefined || !detection.scoped;
  return {
    ruleId: detection.id,
    account,
    resource,
    scope,
    findingId: exact ? findingIdOf(detection.id, account, resource, scope) : undefined,
    reason,
    eventId: record.eventID,
    eventTime: record.eventTime,
    actor: actorOf(record).arn,
  };
}
