import { MAX_KEY_FIELD_CHARS } from './limits.js';

/**
 * A CloudTrail record as the detections see it. Only the four fields every record carries are
 * typed; everything else is `unknown` and read through the accessors below, because CloudTrail
 * shapes vary by service and event version and a detection must never trust a deep field.
 */
export interface CloudTrailRecord {
  readonly eventID: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly [field: string]: unknown;
}

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a value is not a CloudTrail record, or undefined when it is one. */
export function cloudTrailShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  for (const field of ['eventID', 'eventSource', 'eventName', 'eventTime'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') return `no ${field}`;
  }
  return keyFieldProblem(value as CloudTrailRecord);
}

/**
 * CloudTrail's own form of a time, in UTC (fractions of a second allowed): a finding's times are
 * compared as text, so anything else would sort wrongly, and become part of the table's keys.
 */
const EVENT_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

/**
 * Why the key fields of a record (non-empty strings) cannot be kept, or undefined: an id, source or
 * name longer than MAX_KEY_FIELD_CHARS, or an eventTime that is not a time. Never quotes the value.
 */
export function keyFieldProblem(record: Pick<CloudTrailRecord, 'eventID' | 'eventSource' | 'eventName' | 'eventTime'>): string | undefined {
  if (record.eventID.length > MAX_KEY_FIELD_CHARS) return `eventID is longer than ${MAX_KEY_FIELD_CHARS} characters`;
  if (record.eventSource.length > MAX_KEY_FIELD_CHARS) return `eventSource is longer than ${MAX_KEY_FIELD_CHARS} characters`;
  if (record.eventName.length > MAX_KEY_FIELD_CHARS) return `eventName is longer than ${MAX_KEY_FIELD_CHARS} characters`;
  if (!EVENT_TIME.test(record.eventTime)) return "eventTime is not a time in CloudTrail's form (2026-11-20T10:15:30Z)";
  return undefined;
}

export function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  return cloudTrailShapeProblem(value) === undefined;
}

/** Reads `root.a.b.c` without trusting any level; undefined when a level is missing or not an object. */
export function field(root: unknown, ...path: string[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function stringField(root: unknown, ...path: string[]): string | undefined {
  const value = field(root, ...path);
  return typeof value === 'string' ? value : undefined;
}

export function objectField(root: unknown, ...path: string[]): JsonObject | undefined {
  const value = field(root, ...path);
  return isObject(value) ? value : undefined;
}

/** IAM and S3 write single values and lists interchangeably (`Action`, `Grant`, `x-amz-acl`...). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A failed call carries an errorCode and changed nothing. */
export function succeeded(record: CloudTrailRecord): boolean {
  return record['errorCode'] === undefined || record['errorCode'] === null;
}

/** Facts about who acted, read once for findings and alerts. */
export interface Actor {
  readonly arn: string;
  readonly type: string;
  readonly accountId: string | undefined;
  readonly userName: string | undefined;
  readonly mfaAuthenticated: boolean | undefined;
}

export function actorOf(record: CloudTrailRecord): Actor {
  const identity = record['userIdentity'];
  const type = stringField(identity, 'type') ?? 'Unknown';
  const mfa = stringField(identity, 'sessionContext', 'attributes', 'mfaAuthenticated');
  return {
    arn: stringField(identity, 'arn') ?? stringField(identity, 'invokedBy') ?? stringField(identity, 'principalId') ?? 'unknown',
    type,
    accountId: stringField(identity, 'accountId'),
    userName: stringField(identity, 'userName'),
    mfaAuthenticated: mfa === undefined ? undefined : mfa.toLowerCase() === 'true',
  };
}

export function isRootCaller(record: CloudTrailRecord): boolean {
  return stringField(record, 'userIdentity', 'type') === 'Root';
}

/** How CloudTrail names the root user in `requestParameters.userName` (EnableMFADevice, for one). */
export const ROOT_USER_NAME = 'AWS ROOT USER';

/** The root user acting on its own credentials: its IAM calls name no user, or name it "AWS ROOT USER". */
export function isRootActingOnItself(record: CloudTrailRecord): boolean {
  const userName = stringField(record, 'requestParameters', 'userName');
  return isRootCaller(record) && (userName === undefined || userName === ROOT_USER_NAME);
}

/** The account the event happened in: where CloudTrail delivered it, else the caller's. */
export function accountOf(record: CloudTrailRecord): string {
  return stringField(record, 'recipientAccountId') ?? stringField(record, 'userIdentity', 'accountId') ?? 'unknown';
}

export function regionOf(record: CloudTrailRecord): string {
  return stringField(record, 'awsRegion') ?? 'unknown';
}
