/**
 * Glob matching for suppression patterns: `*` matches any run of characters (including `/` and `:`,
 * as ARNs need), `?` one character; everything else is literal and case-sensitive, like ARNs.
 */
export function globMatches(pattern: string, text: string): boolean {
  return globToRegExp(pattern).test(text);
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
