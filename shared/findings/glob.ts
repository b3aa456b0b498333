/**
 * Glob matching for patterns people and policies write: `*` matches any run of characters (including
 * `/` and `:`, as ARNs need), `?` one character; everything else is literal.
 *
 * No regular expression: a pattern like `*a*a*a*a*a*a*a*b` makes a backtracking engine try every way
 * of splitting the text between the stars (seconds per match at seven stars, exponential in their
 * number). Here each piece between two stars is placed at its leftmost fit, which is always a right
 * choice for `*` and `?`, and never revisited: a piece without `?` is found by the engine's string
 * search, in time linear in the text; a piece with `?` costs at most its length per position.
 */
export interface Glob {
  test(text: string): boolean;
}

/** Suppressions: case-sensitive, like ARNs. IAM actions: case-insensitive. */
export function compileGlob(pattern: string, options: { readonly ignoreCase?: boolean } = {}): Glob {
  const fold = options.ignoreCase === true ? (text: string): string => text.toLowerCase() : (text: string): string => text;
  const pieces = fold(pattern).split('*');
  return { test: (text) => matchPieces(pieces, fold(text)) };
}

export function globMatches(pattern: string, text: string): boolean {
  return compileGlob(pattern).test(text);
}

/** `pieces` are the pattern's parts between stars (one part when it has no star). */
function matchPieces(pieces: readonly string[], text: string): boolean {
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return text.length === first.length && fitsAt(first, text, 0);
  const last = pieces[pieces.length - 1] ?? '';
  const end = text.length - last.length;
  if (end < first.length || !fitsAt(first, text, 0) || !fitsAt(last, text, end)) return false;
  let position = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const at = leftmostFit(piece, text, position, end);
    if (at === undefined) return false;
    position = at + piece.length;
  }
  return true;
}

function leftmostFit(piece: string, text: string, from: number, end: number): number | undefined {
  if (!piece.includes('?')) {
    const at = text.indexOf(piece, from);
    return at === -1 || at + piece.length > end ? undefined : at;
  }
  for (let at = from; at + piece.length <= end; at += 1) if (fitsAt(piece, text, at)) return at;
  return undefined;
}

function fitsAt(piece: string, text: string, at: number): boolean {
  for (let i = 0; i < piece.length; i += 1) if (piece[i] !== '?' && piece[i] !== text[at + i]) return false;
  return true;
}
