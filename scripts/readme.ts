/**
 * Rewrites the generated parts of README.md from the code (the rules table from the catalogue):
 *   node bin/run-ts.js scripts/readme.ts
 * test/readme.test.ts fails while the committed README differs from what this writes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { catalogue } from '../shared/detections/catalogue.js';
import { rulesMarkdown } from '../shared/detections/rules-markdown.js';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

/** The README with every generated section replaced by a fresh rendering. */
export function renderReadme(current: string): string {
  return replaceSection(current, 'rules', rulesMarkdown(catalogue));
}

function replaceSection(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md has no ${start} ... ${end} section`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(README_PATH, renderReadme(await readFile(README_PATH, 'utf8')));
}
