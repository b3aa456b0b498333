/** What a command writes to: tests pass a recorder, bin/warden.js the process streams. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Standard error is a terminal: progress may be drawn there. */
  readonly errIsTTY: boolean;
  /** Standard input, for `-` as a path. */
  readonly stdin: NodeJS.ReadableStream;
}

/**
 * A command's exit status: 0 all good, 1 findings at or above --fail-on, 2 input skipped, 64 a usage
 * mistake, 66 what was asked for does not exist (a finding id, a file), 70 an internal or AWS error,
 * 75 the store is in use by another warden process (try again).
 */
export const ExitCode = { ok: 0, findingsAtThreshold: 1, inputSkipped: 2, usage: 64, notFound: 66, failure: 70, busy: 75 } as const;

export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
  stdin: process.stdin,
};

/** A usage mistake: the message names the option or argument that is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
