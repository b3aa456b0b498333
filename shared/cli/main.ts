import { FindingNotFoundError, StoreInUseError } from '../findings/errors.js';
import { sqliteFailure } from '../findings/sqlite/failures.js';
import { KEY_MODES } from '../keys/settings.js';
import type { Command } from './command.js';
import { ExitCode, processIO, UsageError, type CliIO } from './io.js';

/**
 * A command as help lists it. Its module is imported only when it runs, so help reads no command
 * and `warden rules` never loads an AWS client (the compiled CLI keeps each import a chunk of its own).
 */
export interface CommandEntry {
  readonly name: string;
  /** Its usage lines in `warden --help`, followed by `summary`. */
  readonly synopsis: readonly string[];
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every `warden` command, in the order help lists them: a new one is a file in commands/ and a line here. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'replay',
    synopsis: ['warden replay PATH... [--json] [--store DIR | --table NAME] [--fail-on SEVERITY] [--sns-topic ARN]'],
    summary: 'detect risky changes in CloudTrail logs (files, directories, - for stdin)',
    load: async () => (await import('./commands/replay.js')).replayCommand,
  },
  {
    name: 'scan',
    synopsis: ['warden scan [--regions R,...] [--json] [--store DIR | --table NAME] [--fail-on SEVERITY]'],
    summary: 'find the risks that already exist in the live account, and resolve those gone',
    load: async () => (await import('./commands/scan.js')).scanCommand,
  },
  {
    name: 'rules',
    synopsis: ['warden rules [--json]'],
    summary: 'the detections and the events they listen to',
    load: async () => (await import('./commands/rules.js')).rulesCommand,
  },
  {
    name: 'findings',
    synopsis: ['warden findings list|show|resolve|suppress|unsuppress|suppressions|realert'],
    summary: 'query and manage findings (warden findings --help)',
    load: async () => (await import('./commands/findings.js')).findingsCommand,
  },
  {
    name: 'keys',
    synopsis: ['warden keys --credential-report FILE.csv [--now ISO] [--json]', `warden keys [--mode ${KEY_MODES.join('|')}] [--table NAME] [--region R]`],
    summary: 'audit access keys and passwords from the IAM credential report',
    load: async () => (await import('./commands/keys.js')).keysCommand,
  },
];

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
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    io.err(`warden: unknown command "${name}"\n\n${HELP}`);
    return ExitCode.usage;
  }
  try {
    const [command, { cliDependencies }] = await Promise.all([entry.load(), import('./dependencies.js')]);
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
  const storeFailure = sqliteFailure(error);
  if (storeFailure !== undefined) {
    const advice =
      storeFailure.kind === 'damaged' ? 'restore it from a copy, or recreate it with warden replay PATH... --reset-store' : 'fix that and run it again';
    return [`the embedded store failed: ${storeFailure.words}; each write is one transaction, so what was written before stays; ${advice}`, ExitCode.failure];
  }
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
