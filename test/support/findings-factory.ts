import type { Resolution } from '../../shared/detections/engine.js';
import type { Severity } from '../../shared/detections/detection.js';
import { findingIdOf, type Detected } from '../../shared/findings/finding.js';

export const ACCOUNT = '123456789012';
let events = 0;

/** A unique CloudTrail-like event id. */
export function nextEventId(): string {
  events += 1;
  return `00000000-0000-4000-8000-${String(events).padStart(12, '0')}`;
}

/** Seconds after 2024-05-01T12:00:00Z, as CloudTrail writes times. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export interface DetectedInput {
  ruleId?: string;
  account?: string;
  resource?: string;
  scope?: string | undefined;
  severity?: Severity;
  eventId?: string;
  eventTime?: string;
  actor?: string;
  sourceIp?: string;
  summary?: string;
}

export function detected(input: DetectedInput = {}): Detected {
  const ruleId = input.ruleId ?? 'root-access-key-created';
  const account = input.account ?? ACCOUNT;
  const resource = input.resource ?? `arn:aws:iam::${account}:root`;
  const scope = 'scope' in input ? input.scope : 'AKIAEXAMPLE0001';
  return {
    findingId: findingIdOf(ruleId, account, resource, scope),
    ruleId,
    severity: input.severity ?? 'critical',
    title: `Title of ${ruleId}`,
    eventId: input.eventId ?? nextEventId(),
    eventName: 'CreateAccessKey',
    eventTime: input.eventTime ?? at(0),
    account,
    region: 'us-east-1',
    actor: input.actor ?? `arn:aws:iam::${account}:root`,
    actorType: 'Root',
    mfaAuthenticated: false,
    sourceIp: input.sourceIp ?? '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    resource,
    scope,
    summary: input.summary ?? `Something risky on ${resource}.`,
    details: { scope },
  };
}

export interface ResolutionInput {
  ruleId?: string;
  account?: string;
  resource?: string;
  scope?: string | undefined;
  eventId?: string;
  eventTime?: string;
  reason?: string;
}

export function resolution(input: ResolutionInput = {}): Resolution {
  const ruleId = input.ruleId ?? 'root-access-key-created';
  const account = input.account ?? ACCOUNT;
  const resource = input.resource ?? `arn:aws:iam::${account}:root`;
  const scope = 'scope' in input ? input.scope : 'AKIAEXAMPLE0001';
  return {
    ruleId,
    account,
    resource,
    scope,
    findingId: scope === undefined ? undefined : findingIdOf(ruleId, account, resource, scope),
    reason: input.reason ?? 'risk removed',
    eventId: input.eventId ?? nextEventId(),
    eventTime: input.eventTime ?? at(60),
    actor: `arn:aws:iam::${account}:root`,
  };
}

/** An evaluation as the engine returns it. */
export function evaluation(parts: { detected?: Detected[]; resolutions?: Resolution[] }) {
  return { detected: parts.detected ?? [], resolutions: parts.resolutions ?? [], failures: [] };
}
