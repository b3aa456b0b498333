import type { Command, FindingsSubcommand } from '../command.js';
import { ExitCode, UsageError } from '../io.js';
import { parseOptions, STORE_OPTIONS, storeSelection } from '../options.js';
import { list } from './findings/list.js';
import { realert } from './findings/realert.js';
import { resolve } from './findings/resolve.js';
import { show } from './findings/show.js';
import { suppress } from './findings/suppress.js';
import { suppressions } from './findings/suppressions.js';
import { unsuppress } from './findings/unsuppress.js';

/** Every `warden findings` subcommand, in the order help lists them: a new one is a file in findings/ and a line here. */
export const FINDINGS_SUBCOMMANDS: readonly FindingsSubcommand[] = [list, show, resolve, suppress, unsuppress, suppressions, realert];

const USAGE = [
  'usage:',
  ...FINDINGS_SUBCOMMANDS.flatMap((subcommand) => subcommand.usage.map((line) => `  ${line}`)),
  'store (every subcommand): --store DIR (default .warden) | --table NAME [--region R]',
  '',
].join('\n');

/** `warden findings SUBCOMMAND ...`: parses, lets the subcommand check its arguments, then opens the store for it. */
export const findingsCommand: Command = {
  name: 'findings',
  async run(argv, cli) {
    const [name, ...rest] = argv;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      cli.io.out(USAGE);
      return name === undefined ? ExitCode.usage : ExitCode.ok;
    }
    const subcommand = FINDINGS_SUBCOMMANDS.find((candidate) => candidate.name === name);
    if (subcommand === undefined)
      throw new UsageError(`unknown findings subcommand "${name}" (${FINDINGS_SUBCOMMANDS.map((candidate) => candidate.name).join(', ')})`);
    const { values, positionals } = parseOptions(`findings ${name}`, rest, { ...STORE_OPTIONS, ...subcommand.options });
    if (values.help === true) {
      cli.io.out(USAGE);
      return ExitCode.ok;
    }
    const work = subcommand.prepare(values, positionals, cli);
    const { store, close } = await cli.openStore(storeSelection(values));
    try {
      return await work(store);
    } finally {
      await close();
    }
  },
};
