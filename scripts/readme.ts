/**
 * Rewrites the generated parts of README.md: the rules table (from the catalogue) and the findings
 * table design (from shared/findings/TABLE.md):
 *   node bin/run-ts.js scripts/readme.ts
 * test/readme.test.ts fails while the committed README differs from what this writes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { catalogue } from '../shared/detections/catalogue.js';
import { rulesMarkdown } from '../shared/detections/rules-markdown.js';
import { scanCoverageOf } from '../shared/scan/readers/catalogue.js';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

const FINDINGS_TABLE_DOC = fileURLToPath(new URL('../shared/findings/TABLE.md', import.meta.url));

/** The README with every generated section replaced by a fresh rendering. */
export function renderReadme(current: string, findingsTableDoc: string): string {
  return replaceSection(replaceSection(current, 'rules', rulesMarkdown(catalogue, scanCoverageOf)), 'findings-table', findingsTableDoc.trim());
}

export const readFindingsTableDoc = (): Promise<string> => readFile(FINDINGS_TABLE_DOC, 'utf8');

function replaceSection(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md has no ${start} ... ${end} section`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(README_PATH, renderReadme(await readFile(README_PATH, 'utf8'), await readFindingsTableDoc()));
}
