import { cloudTrailShapeProblem, isObject, type CloudTrailRecord } from './record.js';

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

/**
 * The records of one parsed JSON document: a CloudTrail S3 log file (`{"Records":[...]}`), an array
 * of records or EventBridge events, `aws cloudtrail lookup-events` output, one EventBridge event or
 * one record. `line` is the document's line in a JSON Lines input, undefined for a whole-file
 * document; it prefixes positions inside a document when it is not the first line.
 */
export function* recordsOfDocument(
  document: unknown,
  file: string,
  line: number | undefined,
  onProblem: (problem: ReadProblem) => void,
): Generator<ReadRecord, void, undefined> {
  const prefix = line === undefined || line === 1 ? '' : `line ${line}, `;
  if (Array.isArray(document)) {
    for (let index = 0; index < document.length; index += 1) {
      const position = `${prefix}record ${index + 1}`;
      const record = recordOfEntry(document[index], file, position, onProblem);
      if (record !== undefined) yield { record, origin: { file, position } };
    }
    return;
  }
  if (isObject(document) && 'Records' in document) {
    const records = document['Records'];
    if (!Array.isArray(records)) {
      onProblem({ file, ...(line === undefined ? {} : { position: `line ${line}` }), reason: 'Records is not a list' });
      return;
    }
    // The hot path: a CloudTrail S3 log file holds records only, never EventBridge envelopes.
    for (let index = 0; index < records.length; index += 1) {
      const entry: unknown = records[index];
      const problem = cloudTrailShapeProblem(entry);
      if (problem === undefined) {
        yield { record: entry as CloudTrailRecord, origin: { file, position: `${prefix}record ${index + 1}` } };
      } else {
        onProblem({ file, position: `${prefix}record ${index + 1}`, reason: problem });
      }
    }
    return;
  }
  if (isObject(document) && 'Events' in document && !('eventID' in document)) {
    yield* recordsOfLookupEvents(document['Events'], file, prefix, line, onProblem);
    return;
  }
  const position = line === undefined ? 'record 1' : `line ${line}`;
  const record = recordOfEntry(document, file, position, onProblem);
  if (record !== undefined) yield { record, origin: { file, position } };
}

/** A plain record, or the `detail` of an EventBridge CloudTrail event; reports anything else. */
function recordOfEntry(
  entry: unknown,
  file: string,
  position: string,
  onProblem: (problem: ReadProblem) => void,
): CloudTrailRecord | undefined {
  let candidate = entry;
  if (isObject(entry) && 'detail-type' in entry) {
    const detailType = entry['detail-type'];
    if (typeof detailType !== 'string' || !CLOUDTRAIL_DETAIL_TYPES.has(detailType)) {
      onProblem({ file, position, reason: `not CloudTrail: an EventBridge event of detail-type ${describeValue(detailType)}` });
      return undefined;
    }
    candidate = entry['detail'];
  }
  const problem = cloudTrailShapeProblem(candidate);
  if (problem !== undefined) {
    onProblem({ file, position, reason: candidate === entry ? problem : `detail: ${problem}` });
    return undefined;
  }
  return candidate as CloudTrailRecord;
}

/** `aws cloudtrail lookup-events` output: each event carries its record as a JSON string. */
function* recordsOfLookupEvents(
  events: unknown,
  file: string,
  prefix: string,
  line: number | undefined,
  onProblem: (problem: ReadProblem) => void,
): Generator<ReadRecord, void, undefined> {
  if (!Array.isArray(events)) {
    onProblem({ file, ...(line === undefined ? {} : { position: `line ${line}` }), reason: 'Events is not a list' });
    return;
  }
  for (let index = 0; index < events.length; index += 1) {
    const position = `${prefix}event ${index + 1}`;
    const text = isObject(events[index]) ? (events[index] as Record<string, unknown>)['CloudTrailEvent'] : undefined;
    if (typeof text !== 'string') {
      onProblem({ file, position, reason: 'no CloudTrailEvent string' });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      onProblem({ file, position, reason: `CloudTrailEvent is ${notJsonReason(error)}` });
      continue;
    }
    const problem = cloudTrailShapeProblem(parsed);
    if (problem !== undefined) {
      onProblem({ file, position, reason: `CloudTrailEvent: ${problem}` });
      continue;
    }
    yield { record: parsed as CloudTrailRecord, origin: { file, position } };
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
