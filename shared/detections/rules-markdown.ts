import { eventNamesOf, referenceLabels, type Detection } from './detection.js';

/** The README's rules table, generated from the catalogue (test/readme.test.ts keeps the README in step). */
export function rulesMarkdown(detections: readonly Detection[]): string {
  const escapePipes = (text: string): string => text.replace(/\|/g, '\\|');
  const references = (detection: Detection): string => referenceLabels(detection.references).join(', ');
  const rows = detections.map((detection) =>
    [`\`${detection.id}\``, detection.severity, escapePipes(detection.title), eventNamesOf(detection).join(', '), references(detection)].join(' | '),
  );
  return [
    '| rule | up to | what | events it listens to (raising and resolving) | references |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}
