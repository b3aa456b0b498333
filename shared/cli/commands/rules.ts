import { catalogue } from '../../detections/catalogue.js';
import { eventNamesOf, type Detection } from '../../detections/detection.js';
import type { Command } from '../command.js';
import { ExitCode, UsageError } from '../io.js';
import { parseOptions } from '../options.js';
import { textTable } from '../render.js';

/** `warden rules [--json]`: the detections this build runs. */
export const rulesCommand: Command = {
  name: 'rules',
  async run(argv, { io }) {
    const { values, positionals } = parseOptions('rules', argv, { json: { type: 'boolean' } });
    if (values.help === true) {
      io.out(
        'usage: warden rules [--json]\n\n  The detections this build runs, their highest severity and the CloudTrail events they listen to.\n  --json  one rule per line, with its description, remediation and references\n',
      );
      return ExitCode.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see warden rules --help)`);
    if (values.json === true) {
      for (const detection of catalogue) io.out(`${JSON.stringify(describeRule(detection))}\n`);
      return ExitCode.ok;
    }
    const rows = catalogue.map((detection) => [detection.id, detection.severity, detection.title, eventNamesOf(detection).join(', ')]);
    io.out(textTable(['RULE', 'SEVERITY', 'TITLE', 'EVENTS'], rows));
    return ExitCode.ok;
  },
};

function describeRule(detection: Detection) {
  const { id, title, severity, description, remediation, references, events } = detection;
  return { id, title, severity, description, remediation, references, events };
}
