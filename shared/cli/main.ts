import { FindingNotFoundError, StoreInUseError } from '../findings/errors.js';
import type { Command } from './command.js';
import { findingsCommand } from './commands/findings.js';
import { keysCommand } from './commands/keys.js';
import { replayCommand } from './commands/replay.js';
import { rulesCommand } from './commands/rules.js';
import { cliDependencies } from './dependencies.js';
import { ExitCode, processIO, UsageError, type CliIO } from './io.js';

/** Every `warden` command, in the order help lists them: a new one is a file in commands/ and a line here. */
export const COMMANDS: readonly Command[] = [replayCommand, rulesCommand, findingsCommand, keysCommand];

/** Where help starts each command's summary (on the synopsis' last line when it ends before). */
const SUMMARY_COLUMN = 34;

const HELP = [
  "warden: iam-warden's command line",
  '',
  ...COMMANDS.flatMap(({ synopsis, summary }) => {
    const lines = synopsis.map((line) => `  ${line}`);
    const last = lines.pop() ?? '';
    return last.length < SUMMARY_COLUMN - 1
      ? [...lines, `${last.padEnd(SUMMARY_COLUMN)}${summary}`]
      : [...lines, last, `${' '.repeat(SUMMARY_COLUMN)}${summary}`];
  }),
  '',
  'Findings are kept in an embedded table under .warden/ (--store DIR), or a deployed one (--table NAME).',
  `Every command has its own help: ${COMMANDS.map(({ name }) => `warden ${name} --help`).join(', ')}.`,
  '',
].join('\n');

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(HELP);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`warden: unknown command "${name}"\n\n${HELP}`);
    return ExitCode.usage;
  }
  try {
    return await command.run(rest, cliDependencies(io));
  } catch (error) {
    const [message, code] = explainFailure(error);
    io.err(`warden ${name}: ${message}\n`);
    return code;
  }
}

/** What a failure means to the person at the terminal, and the exit status it gets. */
export function explainFailure(error: unknown): [string, number] {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) return [message, ExitCode.usage];
  if (error instanceof FindingNotFoundError) return [message, ExitCode.notFound];
  if (error instanceof StoreInUseError) return [`${message}; try again when it is done`, ExitCode.busy];
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return [`no such file: ${(error as { path?: string }).path ?? message}`, ExitCode.notFound];
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return [
      'no AWS credentials found (environment, ~/.aws, SSO...); without an account, use the embedded store (--store) or warden keys --credential-report FILE',
      ExitCode.failure,
    ];
  }
  if (message === 'Region is missing') return ['no AWS region: pass --region or set AWS_REGION', ExitCode.failure];
  return [message, ExitCode.failure];
}
