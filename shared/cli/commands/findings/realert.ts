import { ALERT_DESTINATIONS, isAlertDestination } from '../../../alerts/channels/catalogue.js';
import { oneLine } from '../../../alerts/escape.js';
import { DEFAULT_ALERT_SETTINGS } from '../../../alerts/settings.js';
import { FindingNotFoundError } from '../../../findings/errors.js';
import type { FindingsSubcommand } from '../../command.js';
import { ExitCode, UsageError } from '../../io.js';
import { onePositional } from '../../options.js';

export const realert: FindingsSubcommand = {
  name: 'realert',
  usage: [
    'warden findings realert ID [--sns-topic ARN]   make an open finding owe its alert again (sent by the',
    '                                               daily sweep, or now with --sns-topic)',
  ],
  options: { 'sns-topic': { type: 'string' } },
  prepare(values, positionals, cli) {
    const { io } = cli;
    const id = onePositional(positionals, 'realert', 'ID');
    const destination = typeof values['sns-topic'] === 'string' ? values['sns-topic'] : undefined;
    if (destination !== undefined && !isAlertDestination(destination)) throw new UsageError(`--sns-topic must be ${ALERT_DESTINATIONS}; got "${destination}"`);
    return async (store) => {
      if ((await store.get(id)) === undefined) throw new FindingNotFoundError(`no finding ${id}`);
      if (!(await store.requeueAlert(id))) {
        io.err(`${id} is not open: only an open finding alerts\n`);
        return ExitCode.usage;
      }
      if (destination === undefined) {
        io.out(`the alert of ${id} is owed again: the next daily sweep sends it (or pass --sns-topic ARN to send it now)\n`);
        return ExitCode.ok;
      }
      // Asked for by name: it alerts whatever its severity.
      const { alerter, channel } = await cli.openAlerter(store, destination, { ...DEFAULT_ALERT_SETTINGS, minSeverity: 'info' });
      try {
        const finding = await store.get(id);
        const report = await alerter.deliver(finding === undefined ? [] : [{ findingId: id, outcome: 'unchanged', finding }], cli.logger);
        if (report.failed.length > 0) {
          io.err(`${channel.name} rejected the alert of ${id}: ${oneLine(report.failed[0]?.reason ?? 'unknown reason')}\n`);
          return ExitCode.failure;
        }
        io.out(`alert of ${id} sent to ${channel.destination}\n`);
        return ExitCode.ok;
      } finally {
        channel.close();
      }
    };
  },
};
