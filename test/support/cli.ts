import { Readable } from 'node:stream';
import { main } from '../../shared/cli/main.js';
import type { CliIO } from '../../shared/cli/io.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `warden ARGS...` in process with recorded output (and optional standard input). */
export async function runWarden(args: string[], stdinText = '', { errIsTTY = false } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    errIsTTY,
    stdin: Readable.from([stdinText]),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
