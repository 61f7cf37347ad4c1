/**
 * DATA read in two passes by the commands whose threshold or statistics come from DATA itself
 * (`score` and `evaluate` with a model that stores none): a first pass to compute them, a second
 * to score every row. A file is simply opened again; standard input, which can be read only once,
 * is first copied to a temporary file (disk, not memory, holds it), removed by `release()`.
 *
 * Invariant: both passes see the same rows in the same order, opened with the same options.
 */

import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { STDIO } from '../../data/sources/byte-input.js';
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
  const dir = mkdtempSync(join(tmpdir(), 'latent-stdin-'));
  const copy = join(dir, 'stdin');
  try {
    await pipeline(io.inStream ?? process.stdin, createWriteStream(copy));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(
      `standard input: cannot keep a copy in ${tmpdir()} for the second pass (${reason})`,
      'free disk space there (or set TMPDIR to a folder with room), or store a threshold in the model: latent train --threshold-rule',
    );
  }
  return {
    open: () => openWith({ ...io, inStream: createReadStream(copy, { highWaterMark: 1 << 20 }) }),
    release: () => rmSync(dir, { recursive: true, force: true }),
  };
}
