import type { FindingsSubcommand } from '../../command.js';
import { ExitCode } from '../../io.js';
import { suppressionTarget } from '../../options.js';
import { SECURITY_HUB_OPTION, sendToSecurityHub } from '../../security-hub.js';

export const unsuppress: FindingsSubcommand = {
  name: 'unsuppress',
  usage: ['warden findings unsuppress (ID | SUPPRESSION-ID | --rule ID --resource PATTERN | --rule ID --actor PATTERN) [--reason TEXT] [--security-hub]'],
  options: { rule: { type: 'string' }, resource: { type: 'string' }, actor: { type: 'string' }, reason: { type: 'string' }, ...SECURITY_HUB_OPTION },
  prepare(values, positionals, cli) {
    const { io, user } = cli;
    const target = suppressionTarget(values, positionals, 'unsuppress');
    const reason = typeof values.reason === 'string' && values.reason.trim() !== '' ? values.reason : 'suppression removed';
    return async (store) => {
      const { removed, reopened } = await store.unsuppress(target, { reason, by: `cli:${user()}` });
      if (removed.length === 0) {
        io.err('no suppression matches\n');
        return ExitCode.notFound;
      }
      io.out(`removed ${removed.map((suppression) => suppression.id).join(', ')}; reopened ${reopened.length} finding(s)\n`);
      for (const change of reopened) io.out(`  ${change.findingId}\n`);
      if (values['security-hub'] === true) return sendToSecurityHub(cli, store, values, reopened);
      return ExitCode.ok;
    };
  },
};
