import { opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadProblem } from './read-document.js';
import { describeSystemError } from './read-stream.js';

/**
 * The files under a directory, recursively, in a stable order (names compared by code unit, so
 * CloudTrail's `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<id>.json.gz`
 * comes out in time order per region). Skipped without a word: hidden entries, CloudTrail's digest
 * files and Insights folders (not API records), and anything that is neither a file nor a directory.
 * Only one directory's listing is held per level, so memory does not grow with the number of files.
 */
export async function* filesUnder(
  directory: string,
  onProblem: (problem: ReadProblem) => void,
  ancestors: ReadonlySet<string> = new Set(),
): AsyncGenerator<string, void, undefined> {
  let real: string;
  const names: { readonly name: string; readonly kind: 'file' | 'directory' | 'link' | 'other' }[] = [];
  try {
    real = await realpath(directory);
    if (ancestors.has(real)) return; // a symbolic link back up the tree
    for await (const entry of await opendir(directory)) {
      if (isSkipped(entry.name)) continue;
      const kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : entry.isSymbolicLink() ? 'link' : 'other';
      names.push({ name: entry.name, kind });
    }
  } catch (error) {
    onProblem({ file: directory, reason: `cannot read: ${describeSystemError(error)}` });
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const inside = new Set(ancestors).add(real);
  for (const { name, kind } of names) {
    const path = join(directory, name);
    let resolved = kind;
    if (kind === 'link') {
      try {
        const target = await stat(path);
        resolved = target.isFile() ? 'file' : target.isDirectory() ? 'directory' : 'other';
      } catch (error) {
        onProblem({ file: path, reason: `cannot read: ${describeSystemError(error)}` });
        continue;
      }
    }
    if (resolved === 'file') yield path;
    else if (resolved === 'directory') yield* filesUnder(path, onProblem, inside);
  }
}

function isSkipped(name: string): boolean {
  return name.startsWith('.') || name === 'CloudTrail-Digest' || name === 'CloudTrail-Insight' || name.includes('_CloudTrail-Digest_');
}
