/**
 * What a finding keeps of one detection, bounded whatever the event held, so that a finding always
 * fits its store (a DynamoDB item is at most 400 KB, a key of its resource index 2,048 bytes:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html) and is
 * recorded and alerted. Applied where a match becomes a detection, and a removal a resolution, for
 * every rule alike; a rule need not bound what it returns. Past a cap the value says so: text ends
 * with `… (N more bytes)`, a list with `… and N more`, an object with a `…` field, and cut evidence
 * carries `truncated`.
 */
import type { Detected } from './finding.js';

/** The evidence (`details`) as JSON: the rule's first items of every list survive (the offending ones, by convention). */
export const MAX_EVIDENCE_BYTES = 16 * 1024;
/** Levels of nesting kept in the evidence; deeper values are replaced by a note. */
export const MAX_EVIDENCE_DEPTH = 8;
/** A finding's summary. */
export const MAX_SUMMARY_BYTES = 2 * 1024;
/**
 * Any other text an event gives a finding: resource and scope (a key of the table's resource index),
 * actor, user agent, source address, account, region, a resolution's reason.
 */
export const MAX_TEXT_BYTES = 1024;

/** From gentle to severe, as evidence is cut until it fits: strings at `maxString` characters, lists at `maxItems`. */
const SHRINK_LEVELS: readonly { readonly maxString: number; readonly maxItems: number }[] = [
  { maxString: 2_000, maxItems: 50 },
  { maxString: 500, maxItems: 20 },
  { maxString: 200, maxItems: 5 },
  { maxString: 80, maxItems: 1 },
];

/** A detection whose every field fits its cap (the finding id, a fingerprint of the event's own values, is kept). */
export function boundDetected(detected: Detected): Detected {
  return {
    ...detected,
    account: boundedText(detected.account, MAX_TEXT_BYTES),
    region: boundedText(detected.region, MAX_TEXT_BYTES),
    actor: boundedText(detected.actor, MAX_TEXT_BYTES),
    actorType: boundedText(detected.actorType, MAX_TEXT_BYTES),
    sourceIp: detected.sourceIp === undefined ? undefined : boundedText(detected.sourceIp, MAX_TEXT_BYTES),
    userAgent: detected.userAgent === undefined ? undefined : boundedText(detected.userAgent, MAX_TEXT_BYTES),
    resource: boundedText(detected.resource, MAX_TEXT_BYTES),
    scope: detected.scope === undefined ? undefined : boundedText(detected.scope, MAX_TEXT_BYTES),
    summary: boundedText(detected.summary, MAX_SUMMARY_BYTES),
    details: boundedEvidence(detected.details),
  };
}

/** The text fields of a resolution, bounded as a detection's are (its resource then still addresses the findings it closes). */
export function boundResolution<
  T extends { readonly account: string; readonly resource: string; readonly scope: string | undefined; readonly reason: string; readonly actor: string },
>(resolution: T): T {
  return {
    ...resolution,
    account: boundedText(resolution.account, MAX_TEXT_BYTES),
    resource: boundedText(resolution.resource, MAX_TEXT_BYTES),
    scope: resolution.scope === undefined ? undefined : boundedText(resolution.scope, MAX_TEXT_BYTES),
    reason: boundedText(resolution.reason, MAX_TEXT_BYTES),
    actor: boundedText(resolution.actor, MAX_TEXT_BYTES),
  };
}

/** At most `maxBytes` of UTF-8, cut at a character and marked when cut. */
function boundedText(text: string, maxBytes: number): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short text needs no counting.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  // The marker's own room: "… (" + up to 16 digits + " more bytes)".
  const kept = Buffer.from(text)
    .subarray(0, Math.max(0, maxBytes - 32))
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${kept}… (${bytes - Buffer.byteLength(kept)} more bytes)`;
}

/**
 * The evidence itself when it fits MAX_EVIDENCE_BYTES and MAX_EVIDENCE_DEPTH; otherwise a copy cut
 * level by level (each list keeping its first items and the count of the rest) until it does, with
 * `truncated` saying so.
 */
function boundedEvidence(details: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (withinBounds(details)) {
    const bytes = Buffer.byteLength(JSON.stringify(details));
    if (bytes <= MAX_EVIDENCE_BYTES) return details;
  }
  const note = `evidence cut to fit ${MAX_EVIDENCE_BYTES / 1024} KiB: lists keep their first items and count the rest`;
  for (const level of SHRINK_LEVELS) {
    const shrunk = { ...(shrink(details, level, 0) as Record<string, unknown>), truncated: note };
    if (Buffer.byteLength(JSON.stringify(shrunk)) <= MAX_EVIDENCE_BYTES) return shrunk;
  }
  return { truncated: `evidence too large to keep, even cut (more than ${MAX_EVIDENCE_BYTES / 1024} KiB)` };
}

/**
 * Depth and an estimate of size, walked with a stack of its own (no recursion: any nesting is safe)
 * and stopped as soon as either is passed; only then is the value serialised to measure it exactly.
 */
function withinBounds(value: unknown): boolean {
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  let size = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    if (typeof item.value === 'string') {
      size += item.value.length + 2;
    } else if (typeof item.value === 'object' && item.value !== null) {
      if (item.depth >= MAX_EVIDENCE_DEPTH) return false;
      for (const [key, child] of Object.entries(item.value)) {
        size += key.length + 4;
        stack.push({ value: child, depth: item.depth + 1 });
      }
    } else {
      size += 8;
    }
    if (size > MAX_EVIDENCE_BYTES) return false;
  }
  return true;
}

function shrink(value: unknown, level: (typeof SHRINK_LEVELS)[number], depth: number): unknown {
  if (typeof value === 'string')
    return value.length <= level.maxString ? value : `${value.slice(0, level.maxString)}… (${value.length - level.maxString} more characters)`;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_EVIDENCE_DEPTH) return '(nested too deep to keep)';
  if (Array.isArray(value)) {
    const kept = value.slice(0, level.maxItems).map((item) => shrink(item, level, depth + 1));
    return value.length > level.maxItems ? [...kept, `… and ${value.length - level.maxItems} more`] : kept;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, Math.max(level.maxItems, 8)).map(([key, item]) => [key.slice(0, level.maxString), shrink(item, level, depth + 1)] as const);
  const copy: Record<string, unknown> = Object.fromEntries(kept);
  if (entries.length > kept.length) copy['…'] = `${entries.length - kept.length} more fields`;
  return copy;
}
