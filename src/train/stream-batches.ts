/**
 * Training rows from a RowSource larger than memory, for `fit` (its `stream` option). Browser-safe.
 *
 * - Validation split: row i is held out when a hash of (seed, i) falls below the fraction, so the
 *   split needs no second copy of the data and every pass agrees on it (`isValidationRow`).
 * - Scaler: fitted in one streaming pass over the training rows (float64 running moments, min/max).
 * - Shuffling, per epoch, from the trainer's seeded shuffle RNG only (so a resumed run draws the
 *   same orders): the source's blocks in a random order (sources that can seek: .npy files,
 *   in-memory data; others keep file order), read into a shuffle buffer of `bufferBlocks` blocks
 *   whose rows are permuted before they are cut into batches; rows left over carry into the next
 *   buffer, so every batch but the epoch's last is full (shuffle-buffer.ts).
 * - Speed: the next `bufferBlocks` blocks are read while the model trains on the buffer; each row
 *   is scaled and shuffled in one copy, and batches are views of the buffer.
 *
 * Memory: about four buffers' worth (`bufferBlocks` blocks of the source's chunk size each: the
 * blocks held, the blocks read ahead, two output arrays), whatever the data size.
 */

import { matrix, type Matrix } from '../data/matrix.js';
import { RunningMoments } from '../data/running-moments.js';
import { scalerFromColumnStats, type Scaler, type ScalerKind } from '../data/scaler.js';
import type { RowChunk, RowSource } from '../data/sources/row-source.js';
import { LatentError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import { ShuffleBuffer } from './shuffle-buffer.js';

/** What `fit` needs from streamed training data. */
export interface StreamedRows {
  /** Training rows (validation rows excluded). */
  readonly trainRows: number;
  readonly validationRows: number;
  /** Per-column min and max of the training rows (unscaled): enough to choose the loss. */
  readonly range: Matrix;
  /**
   * The training rows of one epoch in batches of `batchSize`, shuffled by `rng` and scaled by
   * `scaler` (null: as read). A batch is valid until the next one is asked for.
   */
  batches(rng: Rng, batchSize: number, shuffle: boolean, scaler: Scaler | null): AsyncIterable<Matrix>;
  /** The validation rows in chunks, unscaled (none when no split was asked for). */
  validation(): AsyncIterable<Matrix>;
  /** A scaler of `kind` fitted on the training rows (from the preparing pass; no new read). */
  fitScaler(kind: ScalerKind): Scaler;
}

export interface StreamSplitOptions {
  /** Fraction of rows held out for validation (default 0). */
  readonly validationSplit?: number;
  readonly seed?: number;
  /** Blocks held in the shuffle buffer (default 4). */
  readonly bufferBlocks?: number;
  /** Called after each chunk of the preparing pass with its row count (progress). */
  readonly onChunk?: (rows: number) => void;
}

/**
 * Whether row `index` is a validation row for `fraction` and `seed` (a 32-bit mix of both).
 *
 * @example
 * isValidationRow(12345, 0.1, 42); // the same answer in every pass and every run
 */
export function isValidationRow(index: number, fraction: number, seed: number): boolean {
  if (fraction <= 0) return false;
  // murmur3's 32-bit finaliser over the row index and the seed: well spread, cheap, seedable.
  let h = (index ^ Math.imul(seed + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h < fraction * 4294967296;
}

/** The rows of `chunk` that belong to the training part (`train`) or the validation part. */
function pick(chunk: RowChunk, fraction: number, seed: number, train: boolean): Matrix {
  const { x } = chunk;
  if (fraction <= 0) return train ? x : matrix(new Float32Array(0), 0, x.cols);
  const keep: number[] = [];
  for (let r = 0; r < x.rows; r++) if (isValidationRow(chunk.start + r, fraction, seed) !== train) keep.push(r);
  if (keep.length === x.rows) return x;
  const out = new Float32Array(keep.length * x.cols);
  keep.forEach((r, i) => out.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return matrix(out, keep.length, x.cols);
}

/**
 * Prepare `source` for streamed training: one pass counts the rows of each part and fits the
 * scaler of `scalerKind` (or none) on the training rows.
 *
 * @example
 * const { rows, scaler } = await prepareStream(await openRowSource('big.npy'), 'standard', { validationSplit: 0.1 });
 * model.scaler = scaler;
 * await fit(model, rows.range, { stream: rows, epochs: 1 });
 */
export async function prepareStream(
  source: RowSource,
  scalerKind: ScalerKind | undefined,
  options: StreamSplitOptions = {},
): Promise<{ rows: StreamedRows; scaler: Scaler | undefined }> {
  if (!source.rereadable) {
    throw new LatentError(`${source.source}: training reads the data more than once`, 'save the data to a file first');
  }
  const fraction = options.validationSplit ?? 0;
  if (!(fraction >= 0 && fraction < 1))
    throw new LatentError(`validation split ${fraction} is outside [0, 1)`, 'use e.g. 0.1, or 0 for none');
  const seed = options.seed ?? 42;
  const cols = source.columns.length;
  const moments = new RunningMoments(cols);
  let validationRows = 0;
  for await (const chunk of source.chunks()) {
    const train = pick(chunk, fraction, seed, true);
    moments.add(train);
    validationRows += chunk.x.rows - train.rows;
    options.onChunk?.(chunk.x.rows);
  }
  if (moments.count === 0) throw new LatentError(`${source.source}: no training rows`, 'pass data with at least one row');
  if (fraction > 0 && validationRows === 0) {
    throw new LatentError(
      `a validation split of ${fraction} leaves no validation rows out of ${moments.count}`,
      'use a larger split, or 0 for none',
    );
  }
  const range = matrix(new Float32Array(2 * cols), 2, cols);
  range.data.set(Float32Array.from(moments.min), 0);
  range.data.set(Float32Array.from(moments.max), cols);
  const bufferBlocks = options.bufferBlocks ?? 4;
  const rows: StreamedRows = {
    trainRows: moments.count,
    validationRows,
    range,
    batches: (rng, batchSize, shuffle, scaler) => shuffledBatches(source, rng, batchSize, shuffle, scaler, bufferBlocks, fraction, seed),
    async *validation() {
      if (fraction <= 0) return;
      for await (const chunk of source.chunks()) {
        const held = pick(chunk, fraction, seed, false);
        if (held.rows > 0) yield held;
      }
    },
    fitScaler: (kind) => scalerFromMoments(kind, moments),
  };
  return { rows, scaler: scalerKind === undefined ? undefined : scalerFromMoments(scalerKind, moments) };
}

/** The scaler `fitScaler` would fit, from streamed moments. */
export function scalerFromMoments(kind: ScalerKind, moments: RunningMoments): Scaler {
  return scalerFromColumnStats(kind, { mean: moments.mean, variance: moments.variance(), min: moments.min, max: moments.max });
}

/**
 * Chunks of one epoch: blocks in a shuffled order when the source can seek, else file order. Up
 * to `ahead` chunks are read in advance, so the disk (and a parser) works while the model trains.
 */
async function* epochChunks(source: RowSource, rng: Rng, shuffle: boolean, ahead: number): AsyncIterable<RowChunk> {
  const blocks = source.blocks;
  if (blocks === undefined || !shuffle) {
    yield* readAhead(source.chunks(blocks === undefined ? {} : { chunkRows: blocks.blockRows }), ahead);
    return;
  }
  const order = rng.permutation(blocks.count);
  const pending: Promise<RowChunk>[] = [];
  let asked = 0;
  const ask = (): void => void pending.push(settled(blocks.read(order[asked++]!)));
  while (asked < order.length && pending.length < ahead) ask();
  while (pending.length > 0) {
    const current = await pending.shift()!;
    if (asked < order.length) ask();
    yield current;
  }
}

/** `chunks` with up to `ahead` next() calls in flight (an async generator queues them in order). */
async function* readAhead(chunks: AsyncIterable<RowChunk>, ahead: number): AsyncIterable<RowChunk> {
  const it = chunks[Symbol.asyncIterator]();
  const pending: Promise<IteratorResult<RowChunk>>[] = [];
  try {
    for (;;) {
      while (pending.length < ahead) pending.push(settled(it.next()));
      const next = await pending.shift()!;
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // Let queued reads settle before the source closes its file, then close it.
    await Promise.allSettled(pending);
    await it.return?.();
  }
}

/**
 * `promise`, marked as handled: a read made in advance may fail after the epoch was left (time
 * cap, an earlier error), and nobody then awaits it. Awaiting it still throws.
 */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Indices of the training rows of `chunk` (null: all of them). */
function trainingRows(chunk: RowChunk, fraction: number, seed: number): Uint32Array | null {
  if (fraction <= 0) return null;
  const rows = chunk.x.rows;
  const keep = new Uint32Array(rows);
  let kept = 0;
  for (let r = 0; r < rows; r++) if (!isValidationRow(chunk.start + r, fraction, seed)) keep[kept++] = r;
  return kept === rows ? null : keep.subarray(0, kept);
}

async function* shuffledBatches(
  source: RowSource,
  rng: Rng,
  batchSize: number,
  shuffle: boolean,
  scaler: Scaler | null,
  bufferBlocks: number,
  fraction: number,
  seed: number,
): AsyncIterable<Matrix> {
  const buffer = new ShuffleBuffer(source.columns.length, scaler);
  let blocksHeld = 0;
  for await (const chunk of epochChunks(source, rng, shuffle, bufferBlocks)) {
    buffer.add({ x: chunk.x, keep: trainingRows(chunk, fraction, seed) });
    if (++blocksHeld >= bufferBlocks) {
      blocksHeld = 0;
      yield* buffer.drain(batchSize, shuffle ? rng : null, false);
    }
  }
  yield* buffer.drain(batchSize, shuffle ? rng : null, true);
}
