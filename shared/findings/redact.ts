/**
 * Secrets never reach a log, a finding or an alert. Any field whose name looks like a secret has its
 * value replaced, at any depth, and so has any string shaped like an AWS secret access key or a
 * session token, wherever it stands.
 */
const SECRET_FIELD = /(secret|password|passwd|token|credential|private.?key|signature)/i;
// 40 characters of base64 alphabet standing alone: the shape of a secret access key.
const SECRET_ACCESS_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
// Session tokens are long base64 strings (hundreds of characters).
const SESSION_TOKEN = /[A-Za-z0-9/+]{100,}={0,2}/g;

export const REDACTED = '[REDACTED]';

export function redactSecrets<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_FIELD.test(key) && item !== null && item !== undefined && typeof item !== 'boolean' ? REDACTED : redactValue(item, depth + 1);
  }
  return copy;
}

export function redactString(text: string): string {
  return text.replace(SESSION_TOKEN, REDACTED).replace(SECRET_ACCESS_KEY, REDACTED);
}
