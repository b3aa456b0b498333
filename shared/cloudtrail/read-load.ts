import { open, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** Files up to this size (compressed) are read whole, so the next one can load while one is parsed. */
export const WHOLE_FILE_LIMIT = 8 << 20;
/** ...as long as they decompress to no more than this; larger ones are streamed. */
const WHOLE_OUTPUT_LIMIT = 96 << 20;

/**
 * A file loaded ahead of time: its bytes (gunzipped), chunks to stream (a large remote object, or gzip
 * that fails whole: streaming then keeps the records before the fault and reports it precisely), a note
 * to stream a local file from disk when its turn comes, or the error that kept it from being read.
 * Never rejects, so a load started ahead and then abandoned cannot surface as an unhandled rejection.
 */
export type Loaded =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'chunks'; readonly chunks: AsyncIterable<Uint8Array> }
  | { readonly kind: 'stream' }
  | { readonly kind: 'unreadable'; readonly error: unknown };

/** A file read from elsewhere than the local disk (an S3 object): named for reports, downloaded when `load` is called. */
export interface RemoteFile {
  /** How reports name it: `s3://bucket/key`. */
  readonly name: string;
  /** Starts the download; never rejects (a failure is `unreadable`). */
  load(): Promise<Loaded>;
}

export async function loadFile(path: string): Promise<Loaded> {
  let bytes: Buffer;
  try {
    // Only a regular file is read whole. A FIFO, a device (/dev/zero) or a pipe (`<(...)`, /dev/fd/N)
    // has no size to trust and may never end: it is streamed, and not even opened before its turn
    // (opening a FIFO ahead, then closing it, would cut its writer off).
    if (!(await stat(path)).isFile()) return { kind: 'stream' };
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > WHOLE_FILE_LIMIT) return { kind: 'stream' };
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { kind: 'unreadable', error };
  }
  return decodeWhole(bytes);
}

/** A whole file's bytes, gunzipped when they are gzip; gzip that is corrupt, truncated or too large once decompressed is streamed instead. */
export async function decodeWhole(bytes: Buffer): Promise<Loaded> {
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return { kind: 'bytes', bytes };
  try {
    return { kind: 'bytes', bytes: await gunzipAsync(bytes, { maxOutputLength: WHOLE_OUTPUT_LIMIT, chunkSize: 1 << 20 }) };
  } catch {
    // The streaming reader recognises the gzip itself and reports the fault where it is.
    return { kind: 'chunks', chunks: singleChunk(bytes) };
  }
}

/** Bytes already in memory, as the stream of chunks the streaming reader takes. */
export async function* singleChunk(bytes: Buffer): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
}
