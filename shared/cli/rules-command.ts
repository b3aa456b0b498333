import { parseArgs } from 'node:util';
import { catalogue } from '../detections/catalogue.js';
import { eventNamesOf, type Detection } from '../detections/detection.js';
import { ExitCode, type CliIO } from './io.js';
import { textTable } from './text-table.js';

/** `warden rules [--json]`: the detections this build runs. */
export async function rulesCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true });
  if (values.json) {
    for (const detection of catalogue) io.out(`${JSON.stringify(describeRule(detection))}\n`);
    return ExitCode.ok;
  }
  const rows = catalogue.map((detection) => [detection.id, detection.severity, detection.title, eventNamesOf(detection).join(', ')]);
  io.out(textTable(['RULE', 'SEVERITY', 'TITLE', 'EVENTS'], rows));
  return ExitCode.ok;
}

function describeRule(detection: Detection) {
  const { id, title, severity, description, remediation, references, events } = detection;
  return { id, title, severity, description, remediation, references, events };
}
