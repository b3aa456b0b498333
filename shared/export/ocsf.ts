/**
 * A finding as an OCSF Detection Finding (class 2004, category 2 Findings), schema version 1.1.0:
 * the version Amazon Security Lake's own version-2 sources write, so a finding lands beside them.
 * Attribute meanings: the OCSF schema (schema.ocsf.io, version 1.1.0, class detection_finding).
 * The cloud profile brings `api` and `cloud`; the security_control profile `action_id`. Pure.
 */
import type { Detection, RuleDescription, Severity } from '../detections/detection.js';
import type { Finding, FindingStatus } from '../findings/model.js';
import { lastChangeOf, resourceTypeOf } from './asff.js';

export const OCSF_VERSION = '1.1.0';
const DETECTION_FINDING = 2004;

const SEVERITY_IDS: Readonly<Record<Severity, readonly [number, string]>> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

const STATUS_IDS: Readonly<Record<FindingStatus, readonly [number, string]>> = { open: [1, 'New'], suppressed: [3, 'Suppressed'], resolved: [4, 'Resolved'] };

/** OCSF times are milliseconds since the epoch. */
const millis = (iso: string): number => Date.parse(iso);

/**
 * The finding as one OCSF event. `activity_id` says what the finding's state is to a reader of a
 * stream: Create (seen once, never changed), Update, or Close (resolved). `rule` is the finding's
 * rule (a detection adds the service of the triggering call). The triggering API call is the
 * latest occurrence: `api`, `actor`, and an evidence with the caller's address.
 */
export function ocsfDetectionFinding(finding: Finding, rule: RuleDescription | Detection | undefined): Record<string, unknown> {
  const activityId = finding.status === 'resolved' ? 3 : finding.count > 1 || finding.history.length > 1 ? 2 : 1;
  const activity = ['', 'Create', 'Update', 'Close'][activityId] ?? 'Other';
  const [severityId, severity] = SEVERITY_IDS[finding.severity];
  const [statusId, status] = STATUS_IDS[finding.status];
  const updatedAt = lastChangeOf(finding);
  const latest = finding.recentOccurrences[0];
  const service =
    latest === undefined || rule === undefined || !('events' in rule)
      ? undefined
      : rule.events.find((selector) => selector.eventNames.includes(latest.eventName));
  const api = latest === undefined ? undefined : { operation: latest.eventName, ...(service === undefined ? {} : { service: { name: service.eventSource } }) };
  const actor =
    latest === undefined
      ? undefined
      : {
          user: { uid: latest.actor, type: latest.actorType },
          ...(latest.mfaAuthenticated === undefined ? {} : { session: { is_mfa: latest.mfaAuthenticated } }),
        };
  const techniques = rule?.references.mitreAttack ?? [];
  return {
    activity_id: activityId,
    activity_name: activity,
    // Security-control profile: iam-warden observes and blocks nothing, which OCSF calls Allowed.
    action_id: 1,
    action: 'Allowed',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: DETECTION_FINDING,
    class_name: 'Detection Finding',
    type_uid: DETECTION_FINDING * 100 + activityId,
    type_name: `Detection Finding: ${activity}`,
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    time: millis(updatedAt),
    message: finding.summary,
    count: finding.count,
    finding_info: {
      uid: finding.id,
      title: finding.title,
      desc: finding.summary,
      types: [finding.ruleId],
      created_time: millis(finding.firstSeen),
      first_seen_time: millis(finding.firstSeen),
      last_seen_time: millis(finding.lastSeen),
      modified_time: millis(updatedAt),
      analytic: { uid: finding.ruleId, name: rule?.title ?? finding.title, type_id: 1, type: 'Rule' },
      ...(techniques.length === 0 ? {} : { attacks: techniques.map(attackOf) }),
      related_events: finding.recentOccurrences.map((occurrence) => ({ uid: occurrence.eventId, type: occurrence.eventName })),
    },
    resources: [
      {
        uid: finding.resource,
        type: resourceTypeOf(finding.resource),
        region: finding.region,
        cloud_partition: finding.resource.startsWith('arn:aws-') ? finding.resource.split(':')[1] : 'aws',
      },
    ],
    ...(rule === undefined
      ? {}
      : { remediation: { desc: rule.remediation, ...(rule.references.links === undefined ? {} : { references: [...rule.references.links] }) } }),
    cloud: { provider: 'AWS', region: finding.region, account: { uid: finding.account, type_id: 10, type: 'AWS Account' } },
    ...(api === undefined ? {} : { api }),
    ...(actor === undefined ? {} : { actor }),
    ...(latest === undefined
      ? {}
      : {
          evidences: [
            {
              ...(api === undefined ? {} : { api }),
              ...(actor === undefined ? {} : { actor }),
              ...(latest.sourceIp === undefined ? {} : { src_endpoint: { ip: latest.sourceIp } }),
            },
          ],
        }),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'iam-warden', vendor_name: 'iam-warden' },
      uid: finding.id,
      profiles: ['cloud', 'security_control'],
    },
    unmapped: { rule_id: finding.ruleId, ...(finding.scope === undefined ? {} : { scope: finding.scope }), details: finding.details },
  };
}

/** `T1098.001` is sub-technique 001 of technique T1098. */
function attackOf(id: string): Record<string, unknown> {
  const [technique] = id.split('.');
  return id.includes('.') ? { technique: { uid: technique }, sub_technique: { uid: id } } : { technique: { uid: id } };
}
