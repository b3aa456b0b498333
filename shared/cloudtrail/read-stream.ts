import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describeBytes, MAX_LINE_BYTES } from './limits.js';
import { addRecordsOfDocument, jsonFailure, notJsonReason, type ReadEntry } from './read-document.js';

const NEWLINE = 0x0a;
/** Decompressed chunk size: large chunks mean fewer hops to the zlib thread pool. */
const GUNZIP_CHUNK = 1 << 20;

/**
 * The records of one input given as a byte stream (a file, standard input), recognised by content:
 * gzip by its magic bytes, then one JSON document per line (JSON Lines; a CloudTrail S3 log file is a
 * single line) or, when neither of the first two lines is JSON on its own, one pretty-printed document.
 *
 * Yields batches: the records and problems of each chunk's complete lines, in input order, as soon as
 * the chunk arrives (one async step per batch, not per record: this is the hot path). Memory is bounded
 * by MAX_LINE_BYTES whatever the input: a longer line is reported and its bytes dropped up to the next
 * newline; a pretty-printed document (parsed whole: it cannot be split without parsing it) larger than
 * that is reported and the input left. A NUL byte, which JSON text never holds, means binary data (a
 * device such as /dev/zero, a corrupt file): reported, and the input left.
 * Bad input becomes a problem entry; this generator never throws for it.
 */
export async function* entriesOfStream(file: string, chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<ReadEntry[], void, undefined> {
  type Mode = 'start' | 'held' | 'lines' | 'document';
  // Widened: the closures below change it, which the compiler's narrowing cannot see.
  let mode = 'start' as Mode;
  let lineNumber = 0;
  let held: { readonly lineNumber: number; readonly text: Buffer; readonly reason: string } | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** The line being read outgrew MAX_LINE_BYTES: it was reported, and its bytes are dropped up to its newline. */
  let skipping = false;
  let collected: Buffer[] = [];
  let collectedBytes = 0;

  const reportHeld = (out: ReadEntry[]): void => {
    if (held !== undefined) out.push({ problem: { file, position: `line ${held.lineNumber}`, reason: held.reason } });
    held = undefined;
  };

  /** One complete line; false when it turns the input into a multi-line document. */
  const addLine = (line: Buffer, out: ReadEntry[]): boolean => {
    lineNumber += 1;
    if (isBlank(line, lineNumber)) return true;
    const parsed = parse(line, lineNumber);
    if (parsed.ok) {
      reportHeld(out);
      mode = 'lines';
      addRecordsOfDocument(parsed.value, file, lineNumber, out);
      return true;
    }
    if (mode === 'lines') {
      out.push({ problem: { file, position: `line ${lineNumber}`, reason: parsed.reason } });
      return true;
    }
    if (mode === 'start') {
      mode = 'held';
      held = { lineNumber, text: line, reason: parsed.reason };
      return true;
    }
    // Neither of the first two lines is JSON by itself: one document over many lines.
    mode = 'document';
    collected = [held?.text ?? Buffer.alloc(0), Buffer.of(NEWLINE), line, Buffer.of(NEWLINE)];
    collectedBytes = (held?.text.length ?? 0) + line.length + 2;
    held = undefined;
    return false;
  };

  /** The line being read is longer than the cap: reported in its place, and from here on the input is JSON Lines. */
  const skipLongLine = (out: ReadEntry[]): void => {
    lineNumber += 1;
    reportHeld(out);
    mode = 'lines';
    out.push({ problem: { file, position: `line ${lineNumber}`, reason: `longer than ${describeBytes(MAX_LINE_BYTES)}, the most one line may hold` } });
    pending = [];
    pendingBytes = 0;
    skipping = true;
  };

  try {
    for await (const raw of decoded(chunks)) {
      const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      const nul = bytes.indexOf(0);
      const chunk = nul === -1 ? bytes : bytes.subarray(0, nul);
      const out: ReadEntry[] = [];
      if (mode === 'document') {
        collected.push(chunk);
        collectedBytes += chunk.length;
        if (collectedBytes > MAX_LINE_BYTES) {
          yield [{ problem: { file, reason: `a document over several lines larger than ${describeBytes(MAX_LINE_BYTES)}, the most one may hold` } }];
          return;
        }
      } else {
        let start = 0;
        let becameDocument = false;
        for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
          const piece = chunk.subarray(start, end);
          start = end + 1;
          if (skipping) {
            skipping = false;
            continue;
          }
          if (pendingBytes + piece.length > MAX_LINE_BYTES) {
            skipLongLine(out);
            skipping = false;
            continue;
          }
          const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
          pending = [];
          pendingBytes = 0;
          if (!addLine(line, out)) {
            const rest = chunk.subarray(start);
            collected.push(rest);
            collectedBytes += rest.length;
            becameDocument = true;
            break;
          }
        }
        if (!becameDocument && !skipping && start < chunk.length) {
          pending.push(start === 0 ? chunk : chunk.subarray(start));
          pendingBytes += chunk.length - start;
          if (pendingBytes > MAX_LINE_BYTES) skipLongLine(out);
        }
      }
      if (nul !== -1) {
        reportHeld(out);
        // In the middle of a line (or of the over-long line being dropped, already counted).
        const position = mode === 'document' ? {} : { position: `line ${skipping ? lineNumber : lineNumber + 1}` };
        out.push({ problem: { file, ...position, reason: 'a NUL byte: binary data, not JSON text (the rest of this input is not read)' } });
        yield out;
        return;
      }
      if (out.length > 0) yield out;
    }
  } catch (error) {
    const position = mode === 'lines' ? { position: `line ${lineNumber + 1}` } : {};
    yield [{ problem: { file, ...position, reason: readFailure(error) } }];
    return;
  }

  const out: ReadEntry[] = [];
  if (mode !== 'document' && pending.length > 0) {
    const line = pending.length === 1 && pending[0] !== undefined ? pending[0] : Buffer.concat(pending);
    pending = [];
    if (!addLine(line, out)) collected.pop(); // the trailing newline added after the last line
  }
  if (mode === 'document') {
    const text = Buffer.concat(collected).toString('utf8');
    collected = [];
    addRecordsOfWholeText(text, file, out);
  } else if (held !== undefined) {
    reportHeld(out);
  } else if (mode === 'start') {
    out.push({ problem: { file, reason: 'empty: no JSON in it' } });
  }
  if (out.length > 0) yield out;
}

/** A multi-line document; if it is not JSON as a whole, its lines may still be JSON Lines. */
function addRecordsOfWholeText(text: string, file: string, out: ReadEntry[]): void {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    addRecordsOfBrokenText(text, error, file, out);
    return;
  }
  addRecordsOfDocument(document, file, undefined, out);
}

/**
 * JSON Lines whose first two lines are bad, or a truncated pretty-printed document. If any line is a
 * JSON object or array by itself, it is JSON Lines: each line counts on its own. Otherwise one problem
 * for the file, at the line where parsing stopped.
 */
function addRecordsOfBrokenText(text: string, error: unknown, file: string, out: ReadEntry[]): void {
  const lines = text.split('\n');
  const parsed = lines.map((line) => (line.trim() === '' ? undefined : parseText(line)));
  if (!parsed.some((result) => result?.ok === true && typeof result.value === 'object' && result.value !== null)) {
    const { what, offset } = jsonFailure(error);
    if (offset === undefined) {
      out.push({ problem: { file, reason: `not JSON${what}` } });
    } else {
      const { line, column } = lineOfOffset(text, offset);
      out.push({ problem: { file, position: `line ${line}`, reason: `not JSON${what} at column ${column}` } });
    }
    return;
  }
  for (let index = 0; index < parsed.length; index += 1) {
    const result = parsed[index];
    if (result === undefined) continue;
    if (result.ok) addRecordsOfDocument(result.value, file, index + 1, out);
    else out.push({ problem: { file, position: `line ${index + 1}`, reason: result.reason } });
  }
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

function parse(line: Buffer, lineNumber: number): Parsed {
  const text = line.toString('utf8');
  return parseText(lineNumber === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function parseText(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: notJsonReason(error) };
  }
}

/** Only whitespace (and, on the first line, a UTF-8 byte order mark). */
function isBlank(line: Buffer, lineNumber: number): boolean {
  let index = lineNumber === 1 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? 3 : 0;
  for (; index < line.length; index += 1) {
    const byte = line[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  }
  return true;
}

function lineOfOffset(text: string, offset: number): { readonly line: number; readonly column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The stream's bytes, gunzipped when it starts with gzip's magic bytes (1f 8b). */
async function* decoded(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    const head: Uint8Array[] = [];
    let headLength = 0;
    let done = false;
    while (headLength < 2) {
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        break;
      }
      const bytes = asBytes(next.value);
      if (bytes.length === 0) continue;
      head.push(bytes);
      headLength += bytes.length;
    }
    const first = head.length === 1 ? head[0] : Buffer.concat(head);
    if (first === undefined || first.length === 0) return;
    const rest = async function* (): AsyncGenerator<Uint8Array, void, undefined> {
      yield first;
      if (done) return;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield asBytes(next.value);
    };
    if (!(first[0] === 0x1f && first[1] === 0x8b)) {
      yield* rest();
      return;
    }
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
    pipeline(Readable.from(rest(), { objectMode: false }), gunzip, () => undefined);
    yield* gunzip as AsyncIterable<Buffer>;
  } finally {
    // Stopped early or failed: release the file handle (a no-op once the stream has ended).
    await iterator.return?.();
  }
}

/** A stream with an encoding set yields strings; everything here works on bytes. */
function asBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code.startsWith('Z_')) return `gzip is truncated or corrupt (${message})`;
  return `cannot read: ${describeSystemError(error)}`;
}

/** A file-system error in words, without the stack. */
export function describeSystemError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (typeof code === 'string') return `${code}`;
  return error instanceof Error ? error.message : String(error);
}
