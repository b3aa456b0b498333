import { cloudTrailShapeProblem, isObject, keyFieldProblem, type CloudTrailRecord } from './record.js';

/** Where a record came from: the file (or `<stdin>`) and its place in it ("record 12", "line 5"). */
export interface RecordOrigin {
  readonly file: string;
  readonly position: string;
}

/** Input that was skipped: the file, where in it when known, and why. */
export interface ReadProblem {
  readonly file: string;
  readonly position?: string;
  readonly reason: string;
  /** A path the caller named does not exist (not a file met inside a directory): the command line exits 66 for it. */
  readonly notFound?: true;
}

export interface ReadRecord {
  readonly record: CloudTrailRecord;
  readonly origin: RecordOrigin;
}

/** The EventBridge detail-types whose `detail` is a CloudTrail record. */
const CLOUDTRAIL_DETAIL_TYPES: ReadonlySet<string> = new Set([
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Service Event via CloudTrail',
]);

/** A record, or a problem met in its place: kept in input order, so both come out in that order. */
export type ReadEntry = ReadRecord | { readonly problem: ReadProblem } | RecordList;

/** The Records of a CloudTrail S3 log file, still to be checked: expandRecords takes them one by one. */
export interface RecordList {
  readonly records: readonly unknown[];
  /** Put before "record N" in positions: empty, or "line L, ". */
  readonly prefix: string;
}

/** One entry of a RecordList: the record with its origin, or the problem in its place. */
export function recordOfList(list: RecordList, index: number, file: string): ReadRecord | { readonly problem: ReadProblem } {
  const entry = list.records[index];
  const position = `${list.prefix}record ${index + 1}`;
  if (looksLikeRecord(entry)) return { record: entry, origin: { file, position } };
  return { problem: { file, position, reason: cloudTrailShapeProblem(entry) ?? 'not a CloudTrail record' } };
}

/**
 * Appends the records of one parsed JSON document to `out`: a CloudTrail S3 log file
 * (`{"Records":[...]}`), an array of records or EventBridge events, `aws cloudtrail lookup-events`
 * output, one EventBridge event or one record; and a problem for each entry that is not a record.
 * `line` is the document's line in a JSON Lines input, undefined for a whole-file document; it
 * prefixes positions inside a document when it is not the first line.
 */
export function addRecordsOfDocument(document: unknown, file: string, line: number | undefined, out: ReadEntry[]): void {
  const prefix = line === undefined || line === 1 ? '' : `line ${line}, `;
  if (Array.isArray(document)) {
    for (let index = 0; index < document.length; index += 1) {
      addEntry(document[index], file, `${prefix}record ${index + 1}`, out);
    }
    return;
  }
  if (isObject(document) && 'Records' in document) {
    const records = document['Records'];
    if (!Array.isArray(records)) {
      out.push({ problem: { file, ...(line === undefined ? {} : { position: `line ${line}` }), reason: 'Records is not a list' } });
      return;
    }
    // The hot path: a CloudTrail S3 log file holds records only, never EventBridge envelopes. They are
    // checked and wrapped one at a time as they are taken (see expandRecords), not all up front.
    out.push({ records, prefix });
    return;
  }
  if (isObject(document) && 'Events' in document && !('eventID' in document)) {
    addLookupEvents(document['Events'], file, prefix, line, out);
    return;
  }
  addEntry(document, file, line === undefined ? 'record 1' : `line ${line}`, out);
}

/**
 * The same test as cloudTrailShapeProblem, written out with plain property reads for the hot path
 * (several times faster per record); cloudTrailShapeProblem still gives the reason when it fails.
 */
function looksLikeRecord(value: unknown): value is CloudTrailRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { eventID, eventSource, eventName, eventTime } = value as Partial<Record<string, unknown>>;
  return (
    typeof eventID === 'string' &&
    eventID !== '' &&
    typeof eventSource === 'string' &&
    eventSource !== '' &&
    typeof eventName === 'string' &&
    eventName !== '' &&
    typeof eventTime === 'string' &&
    eventTime !== '' &&
    !Array.isArray(value) &&
    keyFieldProblem(value as CloudTrailRecord) === undefined
  );
}

/** A plain record, or the `detail` of an EventBridge CloudTrail event; a problem for anything else. */
function addEntry(entry: unknown, file: string, position: string, out: ReadEntry[]): void {
  let candidate = entry;
  if (isObject(entry) && 'detail-type' in entry) {
    const detailType = entry['detail-type'];
    if (typeof detailType !== 'string' || !CLOUDTRAIL_DETAIL_TYPES.has(detailType)) {
      out.push({ problem: { file, position, reason: `not CloudTrail: an EventBridge event of detail-type ${describeValue(detailType)}` } });
      return;
    }
    candidate = entry['detail'];
  }
  const problem = cloudTrailShapeProblem(candidate);
  if (problem !== undefined) {
    out.push({ problem: { file, position, reason: candidate === entry ? problem : `detail: ${problem}` } });
    return;
  }
  out.push({ record: candidate as CloudTrailRecord, origin: { file, position } });
}

/** `aws cloudtrail lookup-events` output: each event carries its record as a JSON string. */
function addLookupEvents(events: unknown, file: string, prefix: string, line: number | undefined, out: ReadEntry[]): void {
  if (!Array.isArray(events)) {
    out.push({ problem: { file, ...(line === undefined ? {} : { position: `line ${line}` }), reason: 'Events is not a list' } });
    return;
  }
  for (let index = 0; index < events.length; index += 1) {
    const position = `${prefix}event ${index + 1}`;
    const event: unknown = events[index];
    const text = isObject(event) ? event['CloudTrailEvent'] : undefined;
    if (typeof text !== 'string') {
      out.push({ problem: { file, position, reason: 'no CloudTrailEvent string' } });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      out.push({ problem: { file, position, reason: `CloudTrailEvent is ${notJsonReason(error)}` } });
      continue;
    }
    const problem = cloudTrailShapeProblem(parsed);
    out.push(
      problem === undefined
        ? { record: parsed as CloudTrailRecord, origin: { file, position } }
        : { problem: { file, position, reason: `CloudTrailEvent: ${problem}` } },
    );
  }
}

/** The records of one document, its problems reported through `onProblem` (for one event at a time). */
export function* recordsOfDocument(
  document: unknown,
  file: string,
  line: number | undefined,
  onProblem: (problem: ReadProblem) => void,
): Generator<ReadRecord, void, undefined> {
  const out: ReadEntry[] = [];
  addRecordsOfDocument(document, file, line, out);
  for (const entry of out) {
    if ('records' in entry) {
      for (let index = 0; index < entry.records.length; index += 1) {
        const item = recordOfList(entry, index, file);
        if ('problem' in item) onProblem(item.problem);
        else yield item;
      }
    } else if ('problem' in entry) {
      onProblem(entry.problem);
    } else {
      yield entry;
    }
  }
}

/**
 * Why JSON.parse failed, without the input: V8's "Unexpected token" messages quote the text, which
 * may hold a secret, so only its own words before "in JSON at position" are kept.
 */
export function notJsonReason(error: unknown): string {
  const { what, offset } = jsonFailure(error);
  return offset === undefined ? `not JSON${what}` : `not JSON${what} at character ${offset + 1}`;
}

/** What JSON.parse said went wrong (": ..." or empty), and the offset into the text when it said. */
export function jsonFailure(error: unknown): { readonly what: string; readonly offset: number | undefined } {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Unexpected end of JSON input')) return { what: ': it ends too early', offset: undefined };
  const at = /^(.+?) in JSON at position (\d+)/.exec(message);
  if (at === null) return { what: '', offset: undefined };
  const words = at[1] ?? '';
  return { what: `: ${words.charAt(0).toLowerCase()}${words.slice(1)}`, offset: Number(at[2]) };
}

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? '(none)' : `(a ${value === null ? 'null' : typeof value})`;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
