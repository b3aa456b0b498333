import type { FindingsSubcommand } from '../../command.js';
import { ExitCode } from '../../io.js';
import { onePositional, requiredText } from '../../options.js';

export const resolve: FindingsSubcommand = {
  name: 'resolve',
  usage: ['warden findings resolve ID --reason TEXT'],
  options: { reason: { type: 'string' } },
  prepare(values, positionals, { io, user }) {
    const id = onePositional(positionals, 'resolve', 'ID');
    const reason = requiredText(values.reason, '--reason');
    return async (store) => {
      const change = await store.resolve(id, { reason, by: `cli:${user()}` });
      io.out(change.outcome === 'resolved' ? `resolved ${id}\n` : `${id} was already resolved\n`);
      return ExitCode.ok;
    };
  },
};
