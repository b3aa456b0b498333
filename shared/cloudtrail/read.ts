import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { recordOfList, type ReadEntry, type ReadProblem, type ReadRecord } from './read-document.js';
import { filesUnder } from './read-paths.js';
import { loadFile, type Loaded } from './read-load.js';
import { describeSystemError, entriesOfStream } from './read-stream.js';

export type { ReadProblem, ReadRecord, RecordOrigin } from './read-document.js';

/** The name standard input goes by in origins and problems. */
export const STDIN_NAME = '<stdin>';

export interface ReadOptions {
  /** Read for `-`; process.stdin when not given. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Input that was skipped, with its file, position and reason; reading goes on. */
  onProblem(problem: ReadProblem): void;
  /** Reading a file (or standard input) is over, problems included; `records` is how many it yielded. */
  onFileDone?(file: string, records: number): void;
}

/** File reads that are streamed: large chunks, fewer trips through the event loop. */
const READ_CHUNK = 1 << 20;

/** What the inputs expand to, in order: files, standard input, and problems met on the way. */
type Source = { readonly kind: 'file'; readonly file: string } | { readonly kind: 'stdin' } | { readonly kind: 'problem'; readonly problem: ReadProblem };

/**
 * The CloudTrail records of files, directories (walked recursively, in sorted order) and `-`
 * (standard input), one input at a time, in order. Each input is recognised by its content: gzip or
 * not; a CloudTrail S3 log file (`{"Records":[...]}`), a JSON array of records, EventBridge events
 * (the record is `detail`), JSON Lines of events or records, a single record, or the output of
 * `aws cloudtrail lookup-events`.
 *
 * While one file's records are being consumed, the next file is read and gunzipped in the
 * background (regular files up to a few MB, as CloudTrail writes them; larger ones, pipes, FIFOs and
 * devices are streamed), so at most two files are in memory at once. What one line, document or
 * record may hold is capped (limits.ts).
 *
 * Bad input (a missing path, not JSON, corrupt gzip, an entry that is not a CloudTrail record, a line
 * over its cap...) is reported through `onProblem` and skipped; the iteration itself never throws for it.
 */
export async function* readCloudTrail(inputs: readonly string[], options: ReadOptions): AsyncGenerator<ReadRecord, void, undefined> {
  const { onProblem } = options;
  const iterator = sourcesOf(inputs)[Symbol.asyncIterator]();
  const loadAhead = (next: IteratorResult<Source>): Promise<Loaded> | undefined =>
    next.done !== true && next.value.kind === 'file' ? loadFile(next.value.file) : undefined;
  try {
    let next = await iterator.next();
    let loading = loadAhead(next);
    while (next.done !== true) {
      const source = next.value;
      const loaded = loading;
      next = await iterator.next();
      loading = loadAhead(next);
      if (source.kind === 'problem') {
        onProblem(source.problem);
        continue;
      }
      const file = source.kind === 'stdin' ? STDIN_NAME : source.file;
      const batches =
        source.kind === 'stdin'
          ? entriesOfStream(STDIN_NAME, (options.stdin ?? process.stdin) as AsyncIterable<Uint8Array | string>)
          : entriesOfFile(source.file, await (loaded ?? loadFile(source.file)));
      // Inlined rather than delegated with yield*: each async generator level costs every record a
      // promise and a microtask, and this loop runs once per record of the whole replay.
      let count = 0;
      for await (const batch of batches) {
        for (const entry of batch) {
          if ('records' in entry) {
            for (let index = 0; index < entry.records.length; index += 1) {
              const item = recordOfList(entry, index, file);
              if ('problem' in item) {
                onProblem(item.problem);
              } else {
                count += 1;
                yield item;
              }
            }
          } else if ('problem' in entry) {
            onProblem(entry.problem);
          } else {
            count += 1;
            yield entry;
          }
        }
      }
      options.onFileDone?.(file, count);
    }
  } finally {
    await iterator.return?.();
  }
}

async function* sourcesOf(inputs: readonly string[]): AsyncGenerator<Source, void, undefined> {
  const problems: ReadProblem[] = [];
  const onProblem = (problem: ReadProblem): void => void problems.push(problem);
  for (const input of inputs) {
    if (input === '-') {
      yield { kind: 'stdin' };
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(input)).isDirectory();
    } catch (error) {
      const notFound = (error as NodeJS.ErrnoException).code === 'ENOENT' ? { notFound: true as const } : {};
      yield { kind: 'problem', problem: { file: input, reason: `cannot read: ${describeSystemError(error)}`, ...notFound } };
      continue;
    }
    if (!isDirectory) {
      yield { kind: 'file', file: input };
      continue;
    }
    for await (const file of filesUnder(input, onProblem)) {
      // Problems the walk met before this file come out in their place.
      for (const problem of problems.splice(0)) yield { kind: 'problem', problem };
      yield { kind: 'file', file };
    }
    for (const problem of problems.splice(0)) yield { kind: 'problem', problem };
  }
}

function entriesOfFile(file: string, loaded: Loaded): AsyncGenerator<ReadEntry[], void, undefined> {
  if (loaded.kind === 'bytes') return entriesOfStream(file, once(loaded.bytes));
  if (loaded.kind === 'unreadable') return entriesOfStream(file, unreadable(loaded.error));
  return entriesOfStream(file, createReadStream(file, { highWaterMark: READ_CHUNK }));
}

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
}

/** A stream that fails as the file did, so the problem is reported the same way as any read error. */
// biome-ignore lint/correctness/useYield: it yields nothing on purpose; its one step is the error.
async function* unreadable(error: unknown): AsyncGenerator<Uint8Array, void, undefined> {
  throw error;
}
