import { findingsCommand } from './findings-command.js';
import { keysCommand } from './keys-command.js';
import { ExitCode, processIO, UsageError, type CliIO } from './io.js';
import { replayCommand } from './replay-command.js';
import { rulesCommand } from './rules-command.js';

const HELP = `warden: iam-warden's command line

  warden replay PATH... [--json] [--store DIR] [--fail-on SEVERITY]
                                  detect risky changes in CloudTrail logs (files, directories, - for stdin)
  warden rules [--json]           the detections and the events they listen to
  warden findings list|show|resolve|suppress|unsuppress|suppressions
                                  query and manage findings (warden findings --help)
  warden keys --credential-report FILE.csv [--now ISO] [--json]
  warden keys [--mode report|deactivate|rotate] [--table NAME] [--region R]
                                  audit access keys and passwords from the IAM credential report

Findings are kept in an embedded table under .warden/ (--store DIR), or a deployed one (--table NAME).
`;

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  replay: replayCommand,
  findings: (argv, io) => findingsCommand(argv, io),
  keys: (argv, io) => keysCommand(argv, io),
  rules: rulesCommand,
};

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(HELP);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`warden: unknown command "${name}"\n\n${HELP}`);
    return ExitCode.usage;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`warden ${name}: ${error.message}\n`);
      return ExitCode.usage;
    }
    io.err(`warden ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
}
