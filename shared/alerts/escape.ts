/**
 * Attacker-written values (user agents, user and session names, resource names, tag values, file
 * names) made inert in what people read: an email, a chat message, a terminal. Each output escapes
 * for its own format; every one of them first makes the value a single line with no control
 * character, so a value can neither forge a line nor drive a terminal.
 */

/**
 * Control characters (C0, DEL, C1: a terminal runs escape sequences such as clear screen, OSC 52
 * clipboard writes and OSC 8 links from them), the Unicode line and paragraph separators, and the
 * bidirectional controls that reorder what a reader sees (Trojan Source, CVE-2021-42574).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The unsafe characters JSON.stringify leaves raw (it escapes C0 itself, and its own line breaks are layout). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of visible text: each unsafe character shown as its escape (`\n`, `\x1b`, `\u202e`). */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (char) => NAMED[char] ?? visibleEscape(char));
}

/**
 * JSON as people read it (the evidence in an email, `findings show`, `--json` lines on a terminal):
 * the unsafe characters JSON leaves raw are written as `\uXXXX` too, which is the same JSON to a
 * machine.
 */
export function jsonText(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(UNSAFE_IN_JSON, unicodeEscape);
}

/**
 * One value in an AWS Chatbot message, in code span or in text: one line, Slack's escaping of `&`,
 * `<` and `>` (no mention such as `<!channel>`, no link such as `<https://...|text>` can form), and
 * a backtick shown as `ˋ` so a value never closes the code span it stands in.
 */
export function mrkdwnValue(text: string): string {
  return mrkdwnEscape(oneLine(text)).replace(/`/g, 'ˋ');
}

/** Slack's escaping (https://api.slack.com/reference/surfaces/formatting#escaping), for text already inert otherwise. */
export function mrkdwnEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function visibleEscape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : unicodeEscape(char);
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
