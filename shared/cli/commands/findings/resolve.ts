import type { FindingsSubcommand } from '../../command.js';
import { ExitCode } from '../../io.js';
import { onePositional, requiredText } from '../../options.js';
import { SECURITY_HUB_OPTION, sendToSecurityHub } from '../../security-hub.js';

export const resolve: FindingsSubcommand = {
  name: 'resolve',
  usage: [
    'warden findings resolve ID --reason TEXT [--security-hub]   --security-hub (resolve, suppress, unsuppress): send the',
    '                                                           change to AWS Security Hub too (standard credential chain)',
  ],
  options: { reason: { type: 'string' }, ...SECURITY_HUB_OPTION },
  prepare(values, positionals, cli) {
    const { io, user } = cli;
    const id = onePositional(positionals, 'resolve', 'ID');
    const reason = requiredText(values.reason, '--reason');
    return async (store) => {
      const change = await store.resolve(id, { reason, by: `cli:${user()}` });
      io.out(change.outcome === 'resolved' ? `resolved ${id}\n` : `${id} was already resolved\n`);
      // Sent even when it was already resolved here: that is how a finding Security Hub missed is sent again.
      if (values['security-hub'] === true) return sendToSecurityHub(cli, store, values, [change]);
      return ExitCode.ok;
    };
  },
};
