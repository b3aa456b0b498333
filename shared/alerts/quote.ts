import { jsonText } from './escape.js';

/**
 * Quoting a finding's evidence (its `details`) in an alert, within a size budget. Shrinking keeps the
 * shape and the first items of every list, so the offending statement or grant (the detections put
 * it first) survives; what was cut is said in the quote itself.
 */

/** How hard to shrink: strings cut at `maxString` characters, lists at `maxItems` items. */
export interface ShrinkLevel {
  readonly maxString: number;
  readonly maxItems: number;
}

/** From gentle to severe; the last one still keeps one item of every list. */
export const SHRINK_LEVELS: readonly ShrinkLevel[] = [
  { maxString: 4_000, maxItems: 50 },
  { maxString: 1_000, maxItems: 20 },
  { maxString: 300, maxItems: 5 },
  { maxString: 120, maxItems: 2 },
  { maxString: 60, maxItems: 1 },
];

const MAX_DEPTH = 12;

export function shrinkValue(value: unknown, level: ShrinkLevel, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length <= level.maxString ? value : `${value.slice(0, level.maxString)}… (${value.length - level.maxString} more characters)`;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '(nested too deep to quote)';
  if (Array.isArray(value)) {
    const kept = value.slice(0, level.maxItems).map((item) => shrinkValue(item, level, depth + 1));
    return value.length > level.maxItems ? [...kept, `… and ${value.length - level.maxItems} more`] : kept;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, Math.max(level.maxItems, 8)).map(([key, item]) => [key, shrinkValue(item, level, depth + 1)] as const);
  const copy: Record<string, unknown> = Object.fromEntries(kept);
  if (entries.length > kept.length) copy['…'] = `${entries.length - kept.length} more fields`;
  return copy;
}

/**
 * The details as indented JSON (no control character left raw), at most `maxChars` characters:
 * shrunk level by level, and as a last resort cut with a marker.
 */
export function quoteDetails(details: unknown, maxChars: number): string {
  for (const level of SHRINK_LEVELS) {
    const text = jsonText(shrinkValue(details, level), 2);
    if (text.length <= maxChars) return text;
  }
  const text = jsonText(shrinkValue(details, SHRINK_LEVELS[SHRINK_LEVELS.length - 1]!), 2);
  return cut(text, maxChars);
}

/** At most `max` characters, with an ellipsis when cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '… (truncated)';
  return max <= marker.length ? text.slice(0, max) : `${text.slice(0, max - marker.length)}${marker}`;
}
