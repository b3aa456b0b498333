import { accountOf, actorOf, succeeded, type CloudTrailRecord } from '../cloudtrail/record.js';
import { detectedFrom, findingIdOf, type Detected } from '../findings/finding.js';
import { boundResolution } from '../findings/evidence.js';
import { redactSecrets } from '../findings/redact.js';
import { ONLY_OWN_ACCOUNT } from '../policy/boundary.js';
import { matchesOf, SEVERITIES, type Detection, type DetectionContext, type DetectionMatch, type RiskRemoval } from './detection.js';

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
 * Runs a catalogue over records. Detections are indexed by eventName and eventSource once, so a
 * record that no rule listens to costs one map lookup and no allocation.
 */
export class DetectionEngine {
  /**
   * eventName -> eventSource -> detections. The name comes first: most records carry a name no rule
   * listens to, which one lookup settles (no string built per record).
   */
  private readonly byEvent = new Map<string, Map<string, Detection[]>>();

  constructor(
    readonly catalogue: readonly Detection[],
    /** Handed to every rule: the trusted boundary (only the event's own account unless configured). */
    readonly context: DetectionContext = { boundary: ONLY_OWN_ACCOUNT },
  ) {
    for (const detection of catalogue) {
      for (const selector of detection.events) {
        for (const eventName of selector.eventNames) {
          const bySource = this.byEvent.get(eventName) ?? new Map<string, Detection[]>();
          this.byEvent.set(eventName, bySource);
          const listeners = bySource.get(selector.eventSource) ?? [];
          if (!listeners.includes(detection)) listeners.push(detection);
          bySource.set(selector.eventSource, listeners);
        }
      }
    }
  }

  /** Whether any rule listens to this event (lets readers skip work on the rest). */
  listensTo(eventSource: string, eventName: string): boolean {
    return this.byEvent.get(eventName)?.has(eventSource) === true;
  }

  /** `context` defaults to the engine's own; a caller whose boundary changes over time passes its current one. */
  evaluate(record: CloudTrailRecord, context: DetectionContext = this.context): Evaluation {
    const listeners = this.byEvent.get(record.eventName)?.get(record.eventSource);
    if (listeners === undefined) return NOTHING;
    // A failed call (errorCode present) changed nothing: it resolves nothing, and raises only for
    // the rules that declare such an attempt a signal in itself.
    const failed = !succeeded(record);
    if (failed && !listeners.some((detection) => detection.failedAttemptsMatter?.includes(record.eventName))) return NOTHING;
    const detected: Detected[] = [];
    const resolutions: Resolution[] = [];
    const failures: RuleFailure[] = [];
    for (const detection of listeners) {
      if (failed && detection.failedAttemptsMatter?.includes(record.eventName) !== true) continue;
      try {
        const result = detection.evaluate(record, context);
        for (const match of matchesOf(result)) {
          detected.push(detectedFrom(record, detection, failed ? asFailedAttempt(record, match) : match));
        }
        if (failed) continue;
        for (const removal of detection.resolves?.(record, context) ?? []) {
          resolutions.push(resolutionFrom(record, detection, removal));
        }
      } catch (error) {
        failures.push({ ruleId: detection.id, eventId: record.eventID, error });
      }
    }
    return { detected, resolutions, failures };
  }
}

/**
 * A failed attempt at a risky change: one severity lower, said to have failed with the error AWS
 * returned, and a finding of its own (scope suffix FAILED_ATTEMPT_SCOPE). It is an incident to look
 * into rather than a state: nothing an event does resolves it, and it never overwrites the finding
 * of the change itself when that succeeds.
 */
function asFailedAttempt(record: CloudTrailRecord, match: DetectionMatch): DetectionMatch {
  const errorCode = typeof record['errorCode'] === 'string' ? record['errorCode'] : 'an error';
  return {
    ...match,
    scope: match.scope === undefined ? FAILED_ATTEMPT_SCOPE : `${match.scope}/${FAILED_ATTEMPT_SCOPE}`,
    severity: SEVERITIES[Math.max(0, SEVERITIES.indexOf(match.severity) - 1)] ?? match.severity,
    summary: `Attempted, and failed with ${errorCode} (nothing changed, but someone tried): ${match.summary}`,
    details: { ...match.details, failedAttempt: { errorCode, errorMessage: typeof record['errorMessage'] === 'string' ? record['errorMessage'] : undefined } },
  };
}

export const FAILED_ATTEMPT_SCOPE = 'failed-attempt';

/** The evaluation of the many records no rule listens to: shared, frozen, allocation-free. */
const NOTHING: Evaluation = Object.freeze({ detected: Object.freeze([]), resolutions: Object.freeze([]), failures: Object.freeze([]) });

function resolutionFrom(record: CloudTrailRecord, detection: Detection, { resource, scope, reason }: RiskRemoval): Resolution {
  const account = accountOf(record);
  // Exact when the removal names a scope, or when the rule has none: the finding it closes is known
  // (and kept as an early resolution if its detection has not arrived yet). Otherwise every finding
  // of the rule on the resource is closed, found through the table.
  const exact = scope !== undefined || !detection.scoped;
  // Redacted and bounded like a detection (the same resource comes out the same way, so it still addresses its findings).
  return boundResolution(
    redactSecrets({
      ruleId: detection.id,
      account,
      resource,
      scope,
      findingId: exact ? findingIdOf(detection.id, account, resource, scope) : undefined,
      reason,
      eventId: record.eventID,
      eventTime: record.eventTime,
      actor: actorOf(record).arn,
    }),
  );
}
