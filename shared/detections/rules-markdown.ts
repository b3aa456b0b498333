import { eventNamesOf, referenceLabels, type Detection } from './detection.js';

/**
 * The README's rules table, generated from the catalogue (test/readme.test.ts keeps the README in
 * step). `scanCoverage` says whether `warden scan` finds a rule's existing risks: the state reader, or why not.
 */
export function rulesMarkdown(detections: readonly Detection[], scanCoverage: (ruleId: string) => string): string {
  const escapePipes = (text: string): string => text.replace(/\|/g, '\\|');
  const references = (detection: Detection): string => referenceLabels(detection.references).join(', ');
  const rows = detections.map((detection) =>
    [
      `\`${detection.id}\``,
      detection.severity,
      escapePipes(detection.title),
      eventNamesOf(detection).join(', '),
      escapePipes(scanCoverage(detection.id)),
      references(detection),
    ].join(' | '),
  );
  return [
    '| rule | up to | what | events it listens to (raising and resolving) | found by `warden scan` | references |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}
