/**
 * The stored shape of a finding, declared once. Each schema is typed against its model type
 * (`Schema<Finding>`): a field the model has and the schema lacks, or declares with another
 * type or optionality, does not compile. Both stores write what the schemas list and check every
 * item they read back against them, so a missing or mistyped field is an error naming the field,
 * never a silent `undefined`. SQLite's columns are derived from the same declarations.
 */
import { SEVERITIES } from '../detections/detection.js';
import { StoredItemError } from './errors.js';
import type { EarlyResolution, FindingState } from './lifecycle.js';
import { ALERT_STATES, FINDING_STATUSES, type Finding, type HistoryEntry, type Occurrence, type Suppression } from './model.js';

/** How a value is kept: the column type in SQLite (DynamoDB keeps each kind natively). */
export type StoredType = 'text' | 'integer' | 'boolean' | 'json';

/** What is wrong with a value: `path` leads from the field to the wrong part (`[2].actor`), empty for the field itself. */
interface Problem {
  readonly path: string;
  readonly reason: string;
}

export interface Field<V, Optional extends boolean = boolean> {
  readonly type: StoredType;
  readonly optional: Optional;
  /** What is wrong with a value read back (never undefined here), or undefined when it is a V. */
  readonly problem: (value: unknown) => Problem | undefined;
  /** Never set: ties the field to V in both directions, so a schema cannot widen or narrow the model's type. */
  readonly valueType?: (value: V) => V;
}

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** One field per property of T, optional exactly where T's property is. */
export type Schema<T> = { readonly [K in keyof T]-?: Field<Exclude<T[K], undefined>, K extends OptionalKeys<T> ? true : false> };

const field = <V>(type: StoredType, problem: (value: unknown) => Problem | undefined): Field<V, false> => ({ type, optional: false, problem });
const wrong = (reason: string, path = ''): Problem => ({ path, reason });
const optional = <V>(required: Field<V, false>): Field<V, true> => ({ ...required, optional: true });
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const text = field<string>('text', (value) => (typeof value === 'string' ? undefined : wrong(`should be text, not ${kindOf(value)}`)));
const integer = field<number>('integer', (value) => (Number.isSafeInteger(value) ? undefined : wrong(`should be an integer, not ${kindOf(value)}`)));
const boolean = field<boolean>('boolean', (value) => (typeof value === 'boolean' ? undefined : wrong(`should be true or false, not ${kindOf(value)}`)));
const object = field<Readonly<Record<string, unknown>>>('json', (value) => (isObject(value) ? undefined : wrong(`should be an object, not ${kindOf(value)}`)));
const textByText = field<Readonly<Record<string, string>>>('json', (value) => {
  if (!isObject(value)) return wrong(`should be an object, not ${kindOf(value)}`);
  const [key, item] = Object.entries(value).find(([, entry]) => typeof entry !== 'string') ?? [];
  return key === undefined ? undefined : wrong(`should be text, not ${kindOf(item)}`, `["${key}"]`);
});

function oneOf<const T extends string>(values: readonly T[]): Field<T, false> {
  return field<T>('text', (value) =>
    (values as readonly unknown[]).includes(value) ? undefined : wrong(`should be one of ${values.join(', ')}, not ${kindOf(value)}`),
  );
}

function nested<T>(schema: Schema<T>): Field<T, false> {
  return field<T>('json', (value) => {
    if (!isObject(value)) return wrong(`should be an object, not ${kindOf(value)}`);
    const problem = problemOf(schema, value);
    return problem === undefined ? undefined : wrong(problem.reason, `.${problem.path}`);
  });
}

function listOf<T>(schema: Schema<T>): Field<readonly T[], false> {
  return field<readonly T[]>('json', (value) => {
    if (!Array.isArray(value)) return wrong(`should be a list, not ${kindOf(value)}`);
    for (const [index, item] of value.entries()) {
      if (!isObject(item)) return wrong(`should be an object, not ${kindOf(item)}`, `[${index}]`);
      const problem = problemOf(schema, item);
      if (problem !== undefined) return wrong(problem.reason, `[${index}].${problem.path}`);
    }
    return undefined;
  });
}

export const OCCURRENCE_SCHEMA: Schema<Occurrence> = {
  eventId: text,
  eventName: text,
  eventTime: text,
  region: text,
  actor: text,
  actorType: text,
  mfaAuthenticated: optional(boolean),
  sourceIp: optional(text),
  userAgent: optional(text),
};

const HISTORY_SCHEMA: Schema<HistoryEntry> = { at: text, status: oneOf(FINDING_STATUSES), reason: text, by: text };

export const FINDING_SCHEMA: Schema<Finding> = {
  id: text,
  ruleId: text,
  severity: oneOf(SEVERITIES),
  title: text,
  account: text,
  region: text,
  resource: text,
  scope: optional(text),
  summary: text,
  details: object,
  status: oneOf(FINDING_STATUSES),
  statusChangedAt: text,
  firstSeen: text,
  lastSeen: text,
  count: integer,
  recentOccurrences: listOf<Occurrence>(OCCURRENCE_SCHEMA),
  history: listOf<HistoryEntry>(HISTORY_SCHEMA),
  alertState: oneOf(ALERT_STATES),
  alertError: optional(text),
  alertedAt: optional(text),
  alertClaimedAt: optional(text),
  resolvedAt: optional(text),
  suppressionId: optional(text),
  securityHubError: optional(text),
  expiresAt: optional(integer),
};

/** The fields a list returns (and DynamoDB's indexes project): enough for `findings list` and the alerter's queue. */
export const SUMMARY_FIELDS = [
  'id',
  'ruleId',
  'severity',
  'title',
  'account',
  'region',
  'resource',
  'status',
  'statusChangedAt',
  'firstSeen',
  'lastSeen',
  'count',
  'summary',
  'alertState',
  'suppressionId',
] as const satisfies readonly (keyof Finding)[];

/** A finding as a list returns it; `latestActor` (of the newest occurrence) lets suppressions match it. */
export type FindingSummary = Pick<Finding, (typeof SUMMARY_FIELDS)[number]> & { readonly latestActor?: string };

export const SUMMARY_SCHEMA: Schema<FindingSummary> = {
  ...(Object.fromEntries(SUMMARY_FIELDS.map((name) => [name, FINDING_SCHEMA[name]])) as Schema<Pick<Finding, (typeof SUMMARY_FIELDS)[number]>>),
  latestActor: optional(text),
};

export const SUPPRESSION_SCHEMA: Schema<Suppression> = {
  id: text,
  ruleId: optional(text),
  findingId: optional(text),
  resourcePattern: optional(text),
  actorPattern: optional(text),
  reason: text,
  createdBy: text,
  createdAt: text,
  until: optional(text),
};

const EARLY_RESOLUTION_SCHEMA: Schema<EarlyResolution> = { at: text, eventId: text, reason: text };

/** What a store remembers of a finding id besides the finding: its version and the events already applied. */
export type FindingMemory = Omit<FindingState, 'finding'>;

export const MEMORY_SCHEMA: Schema<FindingMemory> = {
  version: integer,
  seen: textByText,
  seenFloor: optional(text),
  earlyResolution: optional(nested<EarlyResolution>(EARLY_RESOLUTION_SCHEMA)),
  expiresAt: optional(integer),
};

/**
 * Checks a record read back from a store against a schema and returns only the declared fields.
 * `what` names the item in the error (`finding 3f2a... in table warden-findings`).
 */
export function readRecord<T>(schema: Schema<T>, record: Readonly<Record<string, unknown>>, what: string): T {
  const problem = problemOf(schema, record);
  if (problem !== undefined) throw new StoredItemError(`${what}: field "${problem.path}" ${problem.reason}`);
  const read: Record<string, unknown> = {};
  for (const name of Object.keys(schema)) if (record[name] !== undefined) read[name] = record[name];
  return read as T;
}

/** The first field that is missing or of the wrong type; `path` from the record (`recentOccurrences[2].actor`). */
function problemOf<T>(schema: Schema<T>, record: Readonly<Record<string, unknown>>): Problem | undefined {
  for (const [name, declared] of Object.entries(schema) as [string, Field<unknown>][]) {
    const value = record[name];
    if (value === undefined) {
      if (declared.optional) continue;
      return wrong('is missing', name);
    }
    const problem = declared.problem(value);
    if (problem !== undefined) return wrong(problem.reason, `${name}${problem.path}`);
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}
