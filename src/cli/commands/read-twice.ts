/**
 * DATA read more than once: in two passes by the commands whose threshold or statistics come from DATA itself
 * (`score` and `evaluate` with a model that stores none): a first pass to compute them, a second
 * to score every row, and by streamed training, once per epoch. A file is simply opened again; standard input, which can be read only once,
 * is first copied to a temporary file (disk, not memory, holds it), removed by `release()`.
 *
 * Invariant: both passes see the same rows in the same order, opened with the same options.
 */

import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { STDIO } from '../../data/sources/byte-input.js';
import { stdinFileName } from '../../data/sources/open-source.js';
import type { RowSource } from '../../data/sources/row-source.js';
import { LatentError } from '../../errors.js';
import type { Io } from '../io.js';

export interface TwoPasses {
  /** DATA opened for a pass (call once per pass). */
  open(): Promise<RowSource>;
  /** Remove the copy of standard input, if one was made. */
  release(): void;
}

/**
 * Two passes over `data`, opened by `openWith` (which receives the Io whose standard input to
 * read for `-`).
 *
 * @example
 * const passes = await readTwice('-', io, (io) => openModelRows('-', flags, training, model, io));
 * try { const first = await passes.open(); … const second = await passes.open(); } finally { passes.release(); }
 */
export async function readTwice(data: string, io: Io, openWith: (io: Io) => Promise<RowSource>): Promise<TwoPasses> {
  if (data !== STDIO) return { open: () => openWith(io), release: () => {} };
  const copy = await copyStandardInput(io, 'or store a threshold in the model: latent train --threshold-rule');
  return {
    open: () => openWith({ ...io, inStream: createReadStream(copy.path, { highWaterMark: 1 << 20 }) }),
    release: copy.release,
  };
}

/** Standard input kept in a temporary file, so that it can be read more than once. */
export interface StandardInputCopy {
  /** The copy, named with the extension of what standard input held (stdin.npy, stdin.csv, stdin.csv.gz). */
  readonly path: string;
  /** Remove the copy and its folder. */
  release(): void;
}

/**
 * Copy standard input to a temporary file named after its contents' format (sniffed as the
 * stdin reader does), so a reader that opens files by name reads it like the pipe.
 *
 * @example
 * const copy = await copyStandardInput(io, 'or save the data to a file and pass its name');
 * try { train(copy.path); } finally { copy.release(); }
 */
export async function copyStandardInput(io: Io, otherFix: string): Promise<StandardInputCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-stdin-'));
  const release = (): void => rmSync(dir, { recursive: true, force: true });
  const raw = join(dir, 'stdin');
  try {
    await pipeline(io.inStream ?? process.stdin, createWriteStream(raw));
  } catch (error) {
    release();
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `standard input: cannot keep a copy in ${tmpdir()} to read it more than once (${reason})`,
      `free disk space there (or set TMPDIR to a folder with room), ${otherFix}`,
    );
  }
  const head = new Uint8Array(8);
  const fd = openSync(raw, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const path = join(dir, stdinFileName(head));
  renameSync(raw, path);
  return { path, release };
}
