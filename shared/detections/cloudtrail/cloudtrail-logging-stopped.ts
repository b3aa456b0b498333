import { actorOf, asList, field, isObject, stringField, type CloudTrailRecord } from '../../cloudtrail/record.js';
import { trailOf } from '../../cloudtrail/trail.js';
import type { Detection } from '../detection.js';

const LOGGING = 'logging';
const MANAGEMENT_EVENTS = 'management-events';

/**
 * Whether PutEventSelectors left management events out. Basic selectors: none includes them
 * (IncludeManagementEvents defaults to true). Advanced selectors: none selects eventCategory
 * "Management". Undefined when the request carries neither (nothing to judge).
 */
function managementEventsExcluded(record: CloudTrailRecord): boolean | undefined {
  const basic = field(record, 'requestParameters', 'eventSelectors');
  const advanced = field(record, 'requestParameters', 'advancedEventSelectors');
  if (Array.isArray(basic)) {
    return !basic.some((selector) => isObject(selector) && selector['includeManagementEvents'] !== false && selector['readWriteType'] !== 'ReadOnly');
  }
  if (Array.isArray(advanced)) {
    // A Management selector narrowed to read-only events records no write: as excluded as none.
    const selects = (selector: unknown, name: string, value: string): boolean =>
      asList(field(selector, 'fieldSelectors')).some(
        (fieldSelector) => stringField(fieldSelector, 'field') === name && asList(field(fieldSelector, 'equals')).includes(value),
      );
    return !advanced.some((selector) => selects(selector, 'eventCategory', 'Management') && !selects(selector, 'readOnly', 'true'));
  }
  return undefined;
}

const QUOTED_SELECTORS = 10;
const QUOTED_VALUES = 5;

/**
 * The evidence: what each selector says about management events (the fields judged above), typed,
 * for the first few selectors. Never the selectors themselves: a request can carry hundreds of them,
 * with any field an attacker cares to add.
 */
function selectorEvidence(record: CloudTrailRecord): Record<string, unknown> {
  const basic = field(record, 'requestParameters', 'eventSelectors');
  if (Array.isArray(basic)) return { eventSelectors: basic.slice(0, QUOTED_SELECTORS).map(basicSelectorEvidence), selectorCount: basic.length };
  const advanced = asList(field(record, 'requestParameters', 'advancedEventSelectors'));
  return { advancedEventSelectors: advanced.slice(0, QUOTED_SELECTORS).map(advancedSelectorEvidence), selectorCount: advanced.length };
}

function basicSelectorEvidence(selector: unknown): Record<string, unknown> {
  const readWriteType = stringField(selector, 'readWriteType');
  const include = field(selector, 'includeManagementEvents');
  return { ...(readWriteType === undefined ? {} : { readWriteType }), ...(typeof include === 'boolean' ? { includeManagementEvents: include } : {}) };
}

function advancedSelectorEvidence(selector: unknown): Record<string, unknown> {
  const fieldSelectors = asList(field(selector, 'fieldSelectors'));
  const equals = (name: string): unknown[] =>
    asList(
      field(
        fieldSelectors.find((fieldSelector) => stringField(fieldSelector, 'field') === name),
        'equals',
      ),
    )
      .filter((value) => typeof value === 'string')
      .slice(0, QUOTED_VALUES);
  const name = stringField(selector, 'name');
  return { ...(name === undefined ? {} : { name }), eventCategory: equals('eventCategory'), readOnly: equals('readOnly') };
}

export const cloudtrailLoggingStopped: Detection = {
  id: 'cloudtrail-logging-stopped',
  title: 'CloudTrail logging stopped',
  severity: 'critical',
  description:
    'A trail stopped logging, was deleted, or stopped recording write management events. Attackers do this first so that what ' +
    'they do next leaves no record; it also blinds iam-warden, which only sees events while a trail logs them. A denied ' +
    'attempt to stop or delete a trail is raised too, one severity lower: someone tried to go dark.',
  remediation:
    'Turn logging back on at once: `aws cloudtrail start-logging --name TRAIL` (or recreate the trail, multi-region, with log file ' +
    'validation), restore management events with `aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors ' +
    '\'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'`, then review what the actor did just before. Consider an ' +
    'organisation trail, which member accounts cannot stop. After a denied attempt nothing needs restoring: find out who tried ' +
    'and whether their credentials are compromised.',
  references: {
    cis: ['3.1'],
    securityHub: ['CloudTrail.1'],
    mitreAttack: ['T1562.008'],
    links: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-turning-off-logging.html'],
  },
  scoped: true,
  events: [{ eventSource: 'cloudtrail.amazonaws.com', eventNames: ['StopLogging', 'DeleteTrail', 'PutEventSelectors', 'StartLogging'] }],
  failedAttemptsMatter: ['StopLogging', 'DeleteTrail'],

  evaluate(record) {
    const trail = trailOf(record);
    if (trail === undefined) return undefined;
    const actor = actorOf(record).arn;
    if (record.eventName === 'StopLogging' || record.eventName === 'DeleteTrail') {
      const verb = record.eventName === 'StopLogging' ? 'stopped logging on' : 'deleted';
      return {
        severity: 'critical',
        resource: trail.arn,
        scope: LOGGING,
        summary: `${actor} ${verb} trail ${trail.name}; turn logging back on and review what happened around it.`,
        details: { trail: trail.name, action: record.eventName },
      };
    }
    if (record.eventName === 'PutEventSelectors' && managementEventsExcluded(record) === true) {
      return {
        severity: 'high',
        resource: trail.arn,
        scope: MANAGEMENT_EVENTS,
        summary: `${actor} changed trail ${trail.name} so that it no longer records write management events.`,
        details: { trail: trail.name, ...selectorEvidence(record) },
      };
    }
    return undefined;
  },

  resolves(record) {
    const trail = trailOf(record);
    if (trail === undefined) return [];
    if (record.eventName === 'StartLogging') return [{ resource: trail.arn, scope: LOGGING, reason: 'logging started again' }];
    if (record.eventName === 'PutEventSelectors' && managementEventsExcluded(record) === false) {
      return [{ resource: trail.arn, scope: MANAGEMENT_EVENTS, reason: 'management events recorded again' }];
    }
    return [];
  },
};
