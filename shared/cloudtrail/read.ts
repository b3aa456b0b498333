import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ReadProblem, ReadRecord } from './read-document.js';
import { filesUnder } from './read-paths.js';
import { describeSystemError, recordsOfStream } from './read-stream.js';

export type { ReadProblem, ReadRecord, RecordOrigin } from './read-document.js';

/** The name standard input goes by in origins and problems. */
export const STDIN_NAME = '<stdin>';

export interface ReadOptions {
  /** Read for `-`; process.stdin when not given. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Input that was skipped, with its file, position and reason; reading goes on. */
  onProblem(problem: ReadProblem): void;
  /** A file (or standard input) was read to its end; `records` is how many it yielded. */
  onFileDone?(file: string, records: number): void;
}

/** File reads: large chunks, fewer trips through the event loop. */
const READ_CHUNK = 1 << 20;

/**
 * The CloudTrail records of files, directories (walked recursively, in sorted order) and `-`
 * (standard input), one input at a time, in order. Each input is recognised by its content: gzip or
 * not; a CloudTrail S3 log file (`{"Records":[...]}`), a JSON array of records, EventBridge events
 * (the record is `detail`), JSON Lines of events or records, a single record, or the output of
 * `aws cloudtrail lookup-events`.
 *
 * Bad input (a missing path, not JSON, corrupt gzip, an entry that is not a CloudTrail record...) is
 * reported through `onProblem` and skipped; the iteration itself never throws for it.
 */
export async function* readCloudTrail(inputs: readonly string[], options: ReadOptions): AsyncGenerator<ReadRecord, void, undefined> {
  const { onProblem } = options;
  for (const input of inputs) {
    if (input === '-') {
      yield* counted(STDIN_NAME, recordsOfStream(STDIN_NAME, (options.stdin ?? process.stdin) as AsyncIterable<Uint8Array | string>, onProblem), options);
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(input)).isDirectory();
    } catch (error) {
      onProblem({ file: input, reason: `cannot read: ${describeSystemError(error)}` });
      continue;
    }
    if (!isDirectory) {
      yield* readFile(input, options);
      continue;
    }
    for await (const file of filesUnder(input, onProblem)) yield* readFile(file, options);
  }
}

function readFile(file: string, options: ReadOptions): AsyncGenerator<ReadRecord, void, undefined> {
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK });
  return counted(file, recordsOfStream(file, stream, options.onProblem), options);
}

async function* counted(file: string, records: AsyncGenerator<ReadRecord, void, undefined>, options: ReadOptions): AsyncGenerator<ReadRecord, void, undefined> {
  let count = 0;
  for await (const item of records) {
    count += 1;
    yield item;
  }
  options.onFileDone?.(file, count);
}
