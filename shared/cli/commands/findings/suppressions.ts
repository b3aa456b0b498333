import { jsonText } from '../../../alerts/escape.js';
import { isActive } from '../../../findings/suppressions.js';
import type { FindingsSubcommand } from '../../command.js';
import { ExitCode } from '../../io.js';
import { noPositionals } from '../../options.js';
import { textTable } from '../../render.js';

export const suppressions: FindingsSubcommand = {
  name: 'suppressions',
  usage: ['warden findings suppressions [--json]'],
  options: { json: { type: 'boolean' } },
  prepare(values, positionals, { io, now }) {
    noPositionals(positionals, 'suppressions');
    return async (store) => {
      const all = await store.suppressions();
      if (values.json === true) {
        for (const suppression of all) io.out(`${jsonText({ ...suppression, active: isActive(suppression, now()) })}\n`);
        return ExitCode.ok;
      }
      if (all.length === 0) {
        io.out('no suppressions\n');
        return ExitCode.ok;
      }
      const rows = all.map((suppression) => [
        suppression.id,
        suppression.ruleId ?? '',
        suppression.findingId !== undefined
          ? `finding ${suppression.findingId}`
          : suppression.resourcePattern !== undefined
            ? `resource ${suppression.resourcePattern}`
            : `actor ${suppression.actorPattern ?? ''}`,
        suppression.until === undefined ? 'never' : `${suppression.until}${isActive(suppression, now()) ? '' : ' (expired)'}`,
        suppression.createdBy,
        suppression.reason,
      ]);
      io.out(textTable(['ID', 'RULE', 'MATCHES', 'EXPIRES', 'BY', 'REASON'], rows));
      return ExitCode.ok;
    };
  },
};
