/**
 * Inflating compressed members without trusting their size (browser-safe). A gzip trailer or a
 * zip directory states an uncompressed size that anyone can set; `gunzipSync`/`unzipSync`
 * allocate it up front, and a 256 KB archive can claim (and inflate to) gigabytes. Here the
 * compressed bytes go to fflate's streaming inflaters in small pieces, so each piece inflates to
 * at most about a thousand times its size, and the output stops as soon as it passes a limit that
 * the member's own first bytes fix (the shape an NPY or IDX header declares).
 *
 * Invariant: a member's output never grows more than one piece's inflation past its limit (about
 * 1 MB while its header is unread, at most 64 MB after a large member in the same piece).
 */

import { Gunzip, Inflate } from 'fflate';
import { LatentError } from '../errors.js';
import { crc32, readZipDirectory } from './zip-reader.js';

/** DEFLATE's largest expansion: one compressed byte yields at most this many bytes. */
const MAX_RATIO = 1032;
/** Compressed bytes handed to the inflater at a time, within these bounds (see `pieceFor`). */
const MIN_PIECE = 1024;
const MAX_PIECE = 64 * 1024;

/**
 * The most bytes a member may inflate to, read from its first bytes: a number once `head` holds
 * enough of the header, undefined while more bytes are needed. Throws a LatentError for a header
 * that is not valid.
 */
export type LimitOf = (head: Uint8Array) => number | undefined;

/** Collects one member's output, refusing it once it passes the limit its header sets. */
class BoundedSink {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private limit: number | undefined;
  failure: unknown = null;
  finished = false;

  constructor(
    private readonly limitOf: LimitOf,
    private readonly describeOverflow: (limit: number) => LatentError,
  ) {}

  push(chunk: Uint8Array, final: boolean): void {
    if (this.failure !== null) return;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.total += chunk.length;
    }
    if (final) this.finished = true;
    try {
      if (this.limit === undefined) this.limit = this.limitOf(this.bytes());
      if (this.limit !== undefined && this.total > this.limit) this.failure = this.describeOverflow(this.limit);
    } catch (error) {
      this.failure = error;
    }
  }

  /** Bytes this member may still inflate to: unknown (Infinity) until its header is read. */
  allowance(): number {
    return this.limit === undefined ? Infinity : Math.max(0, this.limit - this.total);
  }

  fail(error: unknown): void {
    if (this.failure === null) this.failure = error;
  }

  /** Everything inflated so far, as one array. */
  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.chunks.splice(0, this.chunks.length, out);
    return out;
  }
}

/**
 * How many compressed bytes to hand over next: small (1 KiB, at most ~1 MB of output) while the
 * limit is unknown or nearly reached, larger (up to 64 KiB) when the member may still grow a lot,
 * so big legitimate arrays do not pay for many tiny steps.
 */
function pieceFor(sink: BoundedSink | undefined): number {
  const allowance = sink?.allowance() ?? 0;
  if (!Number.isFinite(allowance)) return MIN_PIECE;
  return Math.min(MAX_PIECE, Math.max(MIN_PIECE, Math.floor(allowance / MAX_RATIO)));
}

function damaged(source: string, what: string, error: unknown, hint: string): LatentError {
  if (error instanceof LatentError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LatentError(`${source}: ${what} (${reason})`, hint);
}

/**
 * Gunzip `bytes`, stopping with a LatentError once the output passes `limitOf`'s limit.
 *
 * @example
 * const raw = gunzipBounded(gz, 'x.idx.gz', idxLimit, 'use the original file');
 */
export function gunzipBounded(bytes: Uint8Array, source: string, limitOf: LimitOf, hint: string): Uint8Array {
  const sink = new BoundedSink(
    limitOf,
    (limit) => new LatentError(`${source}: the gzip stream inflates to more than the ${limit} bytes its header declares`, hint),
  );
  const gunzip = new Gunzip((chunk, final) => sink.push(chunk, final));
  try {
    for (let at = 0, piece = MIN_PIECE; at < bytes.length && sink.failure === null; at += piece, piece = pieceFor(sink)) {
      gunzip.push(bytes.subarray(at, at + piece), at + piece >= bytes.length);
    }
  } catch (error) {
    sink.fail(error);
  }
  if (sink.failure !== null) throw damaged(source, 'the gzip stream is damaged or truncated', sink.failure, hint);
  if (!sink.finished) throw new LatentError(`${source}: the gzip stream is truncated`, hint);
  return sink.bytes();
}

/**
 * The members of a zip archive whose names pass `wanted`, each inflated under the limit its own
 * first bytes set (and never past the size the directory states), then checked against the
 * directory's size and CRC-32; members not wanted are never inflated. Names come in archive order.
 *
 * @example
 * const members = unzipBounded(npz, 'x.npz', (n) => n.endsWith('.npy'), npyLimit, 'save with numpy.savez');
 */
export function unzipBounded(
  bytes: Uint8Array,
  source: string,
  wanted: (name: string) => boolean,
  limitOf: LimitOf,
  hint: string,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const entry of readZipDirectory(bytes, source, hint)) {
    if (!wanted(entry.name)) continue;
    const where = `${source}: member "${entry.name}"`;
    const compressed = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === 0) {
      data = compressed.slice();
    } else if (entry.method === 8) {
      const sink = new BoundedSink(
        (head) => {
          const limit = limitOf(head);
          return limit === undefined ? undefined : Math.min(limit, entry.uncompressedSize);
        },
        (limit) => new LatentError(`${where} inflates to more than the ${limit} bytes its header declares`, hint),
      );
      const inflate = new Inflate((chunk, final) => sink.push(chunk, final));
      try {
        for (let at = 0, piece = MIN_PIECE; at < compressed.length && sink.failure === null; at += piece, piece = pieceFor(sink)) {
          inflate.push(compressed.subarray(at, at + piece), at + piece >= compressed.length);
        }
      } catch (error) {
        sink.fail(error);
      }
      if (sink.failure !== null) throw damaged(source, `member "${entry.name}" is damaged`, sink.failure, hint);
      data = sink.bytes();
    } else {
      throw new LatentError(`${where} is compressed with method ${entry.method}; only stored and deflated members can be read`, hint);
    }
    if (data.length !== entry.uncompressedSize) {
      throw new LatentError(
        `${where} holds ${data.length} bytes, but the zip directory says ${entry.uncompressedSize}`,
        `the archive is damaged; ${hint}`,
      );
    }
    if (crc32(data) !== entry.crc32) {
      throw new LatentError(`${where} fails its CRC-32 check`, `the archive is damaged; ${hint}`);
    }
    out.set(entry.name, data);
  }
  return out;
}
