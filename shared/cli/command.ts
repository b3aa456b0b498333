import type { ParseArgsConfig } from 'node:util';
import type { FindingsStore } from '../findings/store.js';
import type { CliDependencies } from './dependencies.js';
import type { OptionValues } from './options.js';

/** One `warden` command: main.ts lists them all, with the lines help shows for each. */
export interface Command {
  readonly name: string;
  /** Returns the exit status; a usage mistake throws UsageError naming the option. */
  run(argv: string[], cli: CliDependencies): Promise<number>;
}

/** One `warden findings` subcommand: commands/findings.ts lists them all and opens the store for them. */
export interface FindingsSubcommand {
  readonly name: string;
  /** Its lines in `warden findings --help`, after "warden findings NAME". */
  readonly usage: readonly string[];
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Validates every argument before the store opens (a mistake throws UsageError), and returns the work to do with it. */
  prepare(values: OptionValues, positionals: string[], cli: CliDependencies): (store: FindingsStore) => Promise<number>;
}
