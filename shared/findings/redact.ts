/**
 * Secrets never reach a log, a finding or an alert. Any field whose name looks like a secret has its
 * value replaced, at any depth, and so has any string shaped like an AWS secret access key or a
 * session token, wherever it stands (in a value or in a field name).
 *
 * The shapes, over the base64 alphabet (`A-Z a-z 0-9 + /`): a run of 100 characters or more (a
 * session token), and 40 characters that stand alone or between slashes (a secret access key:
 * `key wJalr...KEY`, `key=wJalr...KEY`, `agent/1.0 key/wJalr...KEY`). A 40-character piece glued to
 * more base64 characters is part of something longer, and left alone.
 */
const SECRET_FIELD = /(secret|password|passwd|token|credential|private.?key|signature)/i;
// A base64 run and its padding.
const BASE64_RUN = /([A-Za-z0-9/+]+)(={0,2})/g;
const SESSION_TOKEN_LENGTH = 100;
const SECRET_ACCESS_KEY_LENGTH = 40;
/** A base64 run long enough to hold a secret access key (the shortest shape redacted). */
const LONG_RUN = /[A-Za-z0-9/+]{40}/;
const MAX_DEPTH = 32;

export const REDACTED = '[REDACTED]';

export function redactSecrets<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than CloudTrail records go: hidden whole, never copied unread.
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[redactString(key)] =
      SECRET_FIELD.test(key) && item !== null && item !== undefined && typeof item !== 'boolean' ? REDACTED : redactValue(item, depth + 1);
  }
  return copy;
}

export function redactString(text: string): string {
  // Most strings hold no run long enough to be a key: one native scan, no replacement callbacks.
  if (!LONG_RUN.test(text)) return text;
  return text.replace(BASE64_RUN, (_match, run: string, padding: string) => (run.length >= SESSION_TOKEN_LENGTH ? REDACTED : `${redactKeys(run)}${padding}`));
}

/** The 40-character pieces of a base64 run that start at its start or after a slash, and end at its end or before a slash. */
function redactKeys(run: string): string {
  if (run.length < SECRET_ACCESS_KEY_LENGTH) return run;
  let result = '';
  let kept = 0;
  for (let start = 0; start + SECRET_ACCESS_KEY_LENGTH <= run.length; start += 1) {
    const end = start + SECRET_ACCESS_KEY_LENGTH;
    if ((start > 0 && run[start - 1] !== '/') || (end < run.length && run[end] !== '/')) continue;
    // Overlapping pieces are hidden as one.
    if (start >= kept) result += `${run.slice(kept, start)}${REDACTED}`;
    kept = end;
  }
  return result + run.slice(kept);
}
