import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type AdvancedEventSelector,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { mapBounded } from '../concurrency.js';
import { awsErrorCode } from '../read-resource.js';
import type { EquivalentChange, StateReader, StateSink } from '../reader.js';

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
const LOGGING_STOPPED = 'cloudtrail-logging-stopped';
const TRAIL_WEAKENED = 'cloudtrail-trail-weakened';

/**
 * The trails whose home is one region (a multi-region trail is read once, in its home region), each
 * as the calls that would leave it as it is:
 *
 * - not logging: StopLogging (cloudtrail-logging-stopped, `logging`);
 * - its event selectors: PutEventSelectors, which the rule judges (`management-events`);
 * - each setting off: an UpdateTrail turning off only that one (cloudtrail-trail-weakened:
 *   `multi-region`, `global-service-events`, `log-file-validation`), so each gets its own finding
 *   where one event would raise the most severe.
 *
 * Which bucket the logs go to (`log-bucket`) is not judged from the state: a bucket of another account
 * is as often a central log archive as a leak, so each trail goes to `unread` for that rule, and the
 * scan neither raises nor resolves its findings.
 */
export const cloudTrailReader: StateReader = {
  id: 'cloudtrail',
  reach: 'regional',
  ruleIds: [LOGGING_STOPPED, TRAIL_WEAKENED],
  permissions: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  // A trail deleted (cloudtrail-logging-stopped's DeleteTrail) is simply absent from the state: that
  // is no sign the account logs again, so only the trails read here can have that finding closed.
  reconcilesOnlySeen: [LOGGING_STOPPED],

  async read(target, sink) {
    const client = new CloudTrailClient(target.clientConfig);
    try {
      // DescribeTrails has no pages: it returns every trail of the region at once (CloudTrail API reference).
      const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
      const trails = trailList.filter((trail): trail is Trail & { TrailARN: string } => trail.TrailARN !== undefined);
      await mapBounded(trails, target.concurrency, (trail) => readTrail(client, trail, sink));
      sink.progress('trails', trails.length);
    } finally {
      client.destroy();
    }
  },
};

async function readTrail(client: CloudTrailClient, trail: Trail & { TrailARN: string }, sink: StateSink): Promise<void> {
  const name = trail.TrailARN;
  sink.saw(name);
  sink.unread({ resource: name, ruleIds: [TRAIL_WEAKENED], reason: 'log-bucket is not judged from the state' });
  if (trail.IsMultiRegionTrail !== true) sink.observe(change('UpdateTrail', { name, isMultiRegionTrail: false }));
  if (trail.IncludeGlobalServiceEvents !== true) sink.observe(change('UpdateTrail', { name, includeGlobalServiceEvents: false }));
  if (trail.LogFileValidationEnabled !== true) sink.observe(change('UpdateTrail', { name, enableLogFileValidation: false }));

  try {
    const status = await client.send(new GetTrailStatusCommand({ Name: name }));
    if (status.IsLogging !== true) sink.observe(change('StopLogging', { name }));
    const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: name }));
    const advanced = selectors.AdvancedEventSelectors ?? [];
    const basic = selectors.EventSelectors ?? [];
    // No selector at all is read as the default every trail starts with: all management events.
    if (advanced.length > 0) sink.observe(change('PutEventSelectors', { trailName: name, advancedEventSelectors: advanced.map(advancedAsLogged) }));
    else if (basic.length > 0) sink.observe(change('PutEventSelectors', { trailName: name, eventSelectors: basic.map(basicAsLogged) }));
  } catch (error) {
    sink.unread({ resource: name, ruleIds: [LOGGING_STOPPED], reason: awsErrorCode(error) });
  }
}

/** A basic selector as CloudTrail logs PutEventSelectors' request (camelCase, the shape the rule reads). */
function basicAsLogged(selector: EventSelector): Record<string, unknown> {
  return {
    readWriteType: selector.ReadWriteType,
    includeManagementEvents: selector.IncludeManagementEvents,
    dataResources: (selector.DataResources ?? []).map((resource) => ({ type: resource.Type, values: resource.Values })),
    excludeManagementEventSources: selector.ExcludeManagementEventSources,
  };
}

function advancedAsLogged(selector: AdvancedEventSelector): Record<string, unknown> {
  return {
    name: selector.Name,
    fieldSelectors: (selector.FieldSelectors ?? []).map((field) => ({
      field: field.Field,
      equals: field.Equals,
      startsWith: field.StartsWith,
      endsWith: field.EndsWith,
      notEquals: field.NotEquals,
      notStartsWith: field.NotStartsWith,
      notEndsWith: field.NotEndsWith,
    })),
  };
}

function change(eventName: string, requestParameters: Record<string, unknown>): EquivalentChange {
  return { eventSource: CLOUDTRAIL, eventName, requestParameters };
}
