import { createHash } from 'node:crypto';
import { accountOf, actorOf, regionOf, stringField, type CloudTrailRecord } from '../cloudtrail/record.js';
import type { Detection, DetectionMatch, Severity } from '../detections/detection.js';
import { boundDetected } from './evidence.js';
import { redactSecrets } from './redact.js';

/** One detection of one risk in one event. The findings table folds detections into findings. */
export interface Detected {
  /** The finding this detection belongs to: a fingerprint of the risk, not of the event. */
  readonly findingId: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly account: string;
  readonly region: string;
  readonly actor: string;
  readonly actorType: string;
  readonly mfaAuthenticated: boolean | undefined;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  readonly resource: string;
  readonly scope: string | undefined;
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Rule + account + resource (+ scope): the same risk always gets the same id. */
export function findingIdOf(ruleId: string, account: string, resource: string, scope: string | undefined): string {
  const identity = [ruleId, account, resource, scope ?? ''].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 20);
}

/**
 * Redacted as a whole before anything stores or prints it (a user agent or a session name can carry
 * a planted key), then bounded (evidence.ts: the evidence to 16 KiB, each text to its cap), so a
 * finding fits its store whatever the event held; the finding id is the fingerprint of the event's
 * own values.
 */
export function detectedFrom(record: CloudTrailRecord, detection: Detection, match: DetectionMatch): Detected {
  const actor = actorOf(record);
  const account = accountOf(record);
  return boundDetected(
    redactSecrets({
      findingId: findingIdOf(detection.id, account, match.resource, match.scope),
      ruleId: detection.id,
      severity: match.severity,
      title: detection.title,
      eventId: record.eventID,
      eventName: record.eventName,
      eventTime: record.eventTime,
      account,
      region: regionOf(record),
      actor: actor.arn,
      actorType: actor.type,
      mfaAuthenticated: actor.mfaAuthenticated,
      sourceIp: stringField(record, 'sourceIPAddress'),
      userAgent: stringField(record, 'userAgent'),
      resource: match.resource,
      scope: match.scope,
      summary: match.summary,
      details: match.details,
    }),
  );
}
