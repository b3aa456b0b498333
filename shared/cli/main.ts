import { findingsCommand } from './findings-command.js';
import { keysCommand } from './keys-command.js';
import { StoreInUseError } from '../findings/embedded.js';
import { FindingNotFoundError } from '../findings/store.js';
import { ExitCode, processIO, UsageError, type CliIO } from './io.js';
import { replayCommand } from './replay-command.js';
import { rulesCommand } from './rules-command.js';

const HELP = `warden: iam-warden's command line

  warden replay PATH... [--json] [--store DIR | --table NAME] [--fail-on SEVERITY] [--sns-topic ARN]
                                  detect risky changes in CloudTrail logs (files, directories, - for stdin)
  warden rules [--json]           the detections and the events they listen to
  warden findings list|show|resolve|suppress|unsuppress|suppressions
                                  query and manage findings (warden findings --help)
  warden keys --credential-report FILE.csv [--now ISO] [--json]
  warden keys [--mode report|deactivate|rotate] [--table NAME] [--region R]
                                  audit access keys and passwords from the IAM credential report

Findings are kept in an embedded table under .warden/ (--store DIR), or a deployed one (--table NAME).
Every command has its own help: warden replay --help, warden findings --help, warden keys --help.
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
