import { oneLine } from '../../../alerts/escape.js';
import type { Suppression } from '../../../findings/model.js';
import type { FindingsSubcommand } from '../../command.js';
import { ExitCode, UsageError } from '../../io.js';
import { isoTimeOption, requiredText, suppressionTarget } from '../../options.js';
import { SECURITY_HUB_OPTION, sendToSecurityHub } from '../../security-hub.js';

export const suppress: FindingsSubcommand = {
  name: 'suppress',
  usage: ['warden findings suppress (ID | --rule ID --resource PATTERN | --rule ID --actor PATTERN) --reason TEXT [--until DATE] [--security-hub]'],
  options: {
    rule: { type: 'string' },
    resource: { type: 'string' },
    actor: { type: 'string' },
    reason: { type: 'string' },
    until: { type: 'string' },
    ...SECURITY_HUB_OPTION,
  },
  prepare(values, positionals, cli) {
    const { io, now, user } = cli;
    const which = suppressionTarget(values, positionals, 'suppress');
    const target = typeof which === 'string' ? { findingId: which } : which;
    const reason = requiredText(values.reason, '--reason');
    let until: string | undefined;
    if (typeof values.until === 'string') {
      const parsed = isoTimeOption(values.until, '--until').getTime();
      if (parsed <= now().getTime()) throw new UsageError(`--until is in the past (${values.until})`);
      until = new Date(parsed).toISOString();
    }
    return async (store) => {
      const { suppression, suppressed } = await store.suppress(target, { reason, by: `cli:${user()}`, ...(until === undefined ? {} : { until }) });
      io.out(
        `suppression ${suppression.id} ${oneLine(describeSuppression(suppression))}${until === undefined ? '' : ` until ${until}`}; ${suppressed.length} open finding(s) suppressed\n`,
      );
      for (const change of suppressed) io.out(`  ${change.findingId}\n`);
      if (values['security-hub'] === true) return sendToSecurityHub(cli, store, values, suppressed);
      return ExitCode.ok;
    };
  },
};

function describeSuppression(suppression: Suppression): string {
  if (suppression.findingId !== undefined) return `mutes finding ${suppression.findingId}`;
  if (suppression.resourcePattern !== undefined) return `mutes ${suppression.ruleId ?? ''} on resources ${suppression.resourcePattern}`;
  return `mutes ${suppression.ruleId ?? ''} by actors ${suppression.actorPattern ?? ''}`;
}
