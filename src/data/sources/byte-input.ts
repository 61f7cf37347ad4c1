/**
 * Bytes in, for the streaming readers (Node only): a file or standard input (`-`) as a stream of
 * byte chunks, gunzipped when the name ends in `.gz` (or the bytes start with the gzip magic on
 * standard input), counting the bytes read so progress can show MB/s and an ETA.
 */

import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LatentError } from '../../errors.js';

/** The name that stands for standard input (as DATA) and standard output (as `-o`). */
export const STDIO = '-';

/** A byte stream and how far into it reading has come. */
export interface ByteInput {
  /** Raw byte chunks (after gunzip when the input is gzipped). */
  readonly stream: AsyncIterable<Uint8Array>;
  /** Bytes of the input read so far (before decompression). */
  bytesRead(): number;
  /** The input's size, when known (files). */
  readonly totalBytes: number | undefined;
}

/**
 * Fail with a clear message when `path` is not a readable file (`-` is always accepted).
 *
 * @example
 * checkInputFile('data.csv', 'pass a CSV file');
 */
export function checkInputFile(path: string, supported: string): number | undefined {
  if (path === STDIO) return undefined;
  if (!existsSync(path)) {
    throw new LatentError(`${path}: no such file`, 'check the path (relative paths start from the current directory)');
  }
  const stat = statSync(path);
  if (stat.isDirectory()) throw new LatentError(`${path}: is a directory, not a data file`, `pass a file: ${supported}`);
  return stat.size;
}

/**
 * Open `path` (or standard input for `-`) for streaming.
 *
 * @example
 * const input = openByteInput('big.csv.gz', true);
 * for await (const bytes of input.stream) parser.write(bytes);
 */
export function openByteInput(path: string, gzipped: boolean, stdin: Readable = process.stdin): ByteInput {
  const totalBytes = path === STDIO ? undefined : statSync(path).size;
  const raw: Readable = path === STDIO ? stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  let read = 0;
  raw.on('data', (chunk: Uint8Array) => {
    read += chunk.length;
  });
  const stream = gzipped ? raw.pipe(createGunzip()) : raw;
  if (gzipped) {
    raw.on('error', (error) => stream.destroy(error));
  }
  return {
    stream: withGzipErrors(stream, path, gzipped),
    bytesRead: () => read,
    totalBytes,
  };
}

async function* withGzipErrors(stream: Readable, path: string, gzipped: boolean): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    if (!gzipped) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(`${path}: the gzip stream is damaged or truncated (${reason})`, 'decompress the file again or re-download it');
  }
}

/**
 * The first bytes of a stream and the whole stream again (the peeked bytes first): lets a reader
 * look at a pipe's first bytes (format magic, CSV delimiter) without losing them.
 *
 * @example
 * const { head, stream } = await peek(input.stream, 64 * 1024);
 */
export async function peek(
  source: AsyncIterable<Uint8Array>,
  atLeast: number,
): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < atLeast) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(parts, length);
  async function* replay(): AsyncIterable<Uint8Array> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  return { head, stream: replay() };
}

/** One byte array holding `parts` in order. */
export function concatBytes(parts: readonly Uint8Array[], length = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
