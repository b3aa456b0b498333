import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { recordOfList, type ReadEntry, type ReadProblem, type ReadRecord } from './read-document.js';
import { filesUnder } from './read-paths.js';
import { loadFile, singleChunk, type Loaded, type RemoteFile } from './read-load.js';
import { describeSystemError, entriesOfStream } from './read-stream.js';

export type { ReadProblem, ReadRecord, RecordOrigin } from './read-document.js';
export type { RemoteFile } from './read-load.js';

/** The name standard input goes by in origins and problems. */
export const STDIN_NAME = '<stdin>';

export interface ReadOptions {
  /** Read for `-`; process.stdin when not given. */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Remote files (S3 objects) downloaded ahead while one is parsed; default 1. Local files are always
   * read one ahead, so at most two are in memory; remote ones pay a round trip each, so several overlap.
   */
  readonly loadAhead?: number;
  /** Input that was skipped, with its file, position and reason; reading goes on. */
  onProblem(problem: ReadProblem): void;
  /** Reading a file (or standard input) is over, problems included; `records` is how many it yielded. */
  onFileDone?(file: string, records: number): void;
}

/** What can be read: a path, `-` for standard input, a remote file, or a problem met while listing them (reported in its place). */
export type ReadInput = string | RemoteFile | { readonly problem: ReadProblem };

/** File reads that are streamed: large chunks, fewer trips through the event loop. */
const READ_CHUNK = 1 << 20;
/** Problems queued behind the files loading ahead, at most: a long run of them is not held in memory. */
const QUEUED_PROBLEMS = 64;

/** What the inputs expand to, in order: files, remote files, standard input, and problems met on the way. */
type Source =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'remote'; readonly remote: RemoteFile }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'problem'; readonly problem: ReadProblem };

interface Queued {
  readonly source: Source;
  readonly loading: Promise<Loaded> | undefined;
}

/**
 * The CloudTrail records of files, directories (walked recursively, in sorted order), `-` (standard
 * input) and remote files (S3 objects), one input at a time, in order. Each input is recognised by its
 * content: gzip or not; a CloudTrail S3 log file (`{"Records":[...]}`), a JSON array of records,
 * EventBridge events (the record is `detail`), JSON Lines of events or records, a single record, or the
 * output of `aws cloudtrail lookup-events`. `inputs` may be a stream (an S3 listing), consumed as reading
 * goes.
 *
 * While one file's records are being consumed, the next file is read and gunzipped in the
 * background (regular files up to a few MB, as CloudTrail writes them; larger ones, pipes, FIFOs and
 * devices are streamed), so at most two files are in memory at once; remote files `loadAhead` at a time.
 * What one line, document or record may hold is capped (limits.ts).
 *
 * Bad input (a missing path, not JSON, corrupt gzip, an entry that is not a CloudTrail record, a line
 * over its cap...) is reported through `onProblem` and skipped; the iteration itself never throws for it.
 */
export async function* readCloudTrail(
  inputs: Iterable<ReadInput> | AsyncIterable<ReadInput>,
  options: ReadOptions,
): AsyncGenerator<ReadRecord, void, undefined> {
  const { onProblem } = options;
  const remoteAhead = Math.max(1, options.loadAhead ?? 1);
  const iterator = sourcesOf(inputs)[Symbol.asyncIterator]();
  const queue: Queued[] = [];
  let exhausted = false;
  /** Starts loads until `remoteAhead` remote files (or one local file) are loading behind the current one. */
  const topUp = async (): Promise<void> => {
    while (!exhausted && queue.length < QUEUED_PROBLEMS) {
      const loads = queue.filter((item) => item.loading !== undefined);
      const limit = loads.some((item) => item.source.kind === 'file') ? 1 : remoteAhead;
      if (loads.length >= limit) return;
      const next = await iterator.next();
      if (next.done === true) {
        exhausted = true;
        return;
      }
      const source = next.value;
      const loading = source.kind === 'file' ? loadFile(source.file) : source.kind === 'remote' ? source.remote.load() : undefined;
      queue.push({ source, loading });
    }
  };
  try {
    await topUp();
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await topUp();
      const { source, loading } = item;
      if (source.kind === 'problem') {
        onProblem(source.problem);
        continue;
      }
      const file = source.kind === 'stdin' ? STDIN_NAME : source.kind === 'remote' ? source.remote.name : source.file;
      const batches =
        source.kind === 'stdin'
          ? entriesOfStream(STDIN_NAME, (options.stdin ?? process.stdin) as AsyncIterable<Uint8Array | string>)
          : entriesOfLoaded(file, await (loading as Promise<Loaded>));
      // Inlined rather than delegated with yield*: each async generator level costs every record a
      // promise and a microtask, and this loop runs once per record of the whole replay.
      let count = 0;
      for await (const batch of batches) {
        for (const entry of batch) {
          if ('records' in entry) {
            for (let index = 0; index < entry.records.length; index += 1) {
              const record = recordOfList(entry, index, file);
              if ('problem' in record) {
                onProblem(record.problem);
              } else {
                count += 1;
                yield record;
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
      await topUp();
    }
  } finally {
    // Reading stopped early (the consumer broke off, or failed): files loaded ahead are dropped, and a
    // body still streaming (a large S3 object) is destroyed, so its connection does not stay open.
    for (const { loading } of queue.splice(0)) void loading?.then(releaseChunks);
    await iterator.return?.();
  }
}

function releaseChunks(loaded: Loaded): void {
  if (loaded.kind !== 'chunks') return;
  const stream = loaded.chunks as { destroy?: unknown };
  if (typeof stream.destroy === 'function') (stream as Readable).destroy();
}

async function* sourcesOf(inputs: Iterable<ReadInput> | AsyncIterable<ReadInput>): AsyncGenerator<Source, void, undefined> {
  const problems: ReadProblem[] = [];
  const onProblem = (problem: ReadProblem): void => void problems.push(problem);
  for await (const input of inputs) {
    if (typeof input !== 'string') {
      yield 'problem' in input ? { kind: 'problem', problem: input.problem } : { kind: 'remote', remote: input };
      continue;
    }
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

function entriesOfLoaded(file: string, loaded: Loaded): AsyncGenerator<ReadEntry[], void, undefined> {
  if (loaded.kind === 'bytes') return entriesOfStream(file, singleChunk(loaded.bytes));
  if (loaded.kind === 'chunks') return entriesOfStream(file, loaded.chunks);
  if (loaded.kind === 'unreadable') return entriesOfStream(file, unreadable(loaded.error));
  return entriesOfStream(file, createReadStream(file, { highWaterMark: READ_CHUNK }));
}

/** A stream that fails as the file did, so the problem is reported the same way as any read error. */
// biome-ignore lint/correctness/useYield: it yields nothing on purpose; its one step is the error.
async function* unreadable(error: unknown): AsyncGenerator<Uint8Array, void, undefined> {
  throw error;
}
