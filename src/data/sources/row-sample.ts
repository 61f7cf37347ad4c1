/**
 * A bounded, seeded, uniform sample of a row source's rows (reservoir sampling, Vitter's
 * algorithm R), read in one streaming pass: what a threshold or a statistic can be computed from
 * when the data may not fit in memory. Browser-safe.
 *
 * Invariants: a source with at most `maxRows` rows is returned whole, in order (so small data
 * gives exactly what reading it whole gives); a larger one gives `maxRows` rows, each row of the
 * source equally likely, the same rows for the same seed.
 */

import { LatentError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { matrix, type Matrix } from '../matrix.js';
import type { RowChunk, RowSource } from './row-source.js';

/** Bytes of float32 values a default sample may hold. */
export const SAMPLE_BYTES = 64 * 1024 * 1024;
/** Rows a default sample holds at most, whatever the width. */
export const SAMPLE_MAX_ROWS = 1_000_000;
/** The seed of the default sample. */
export const SAMPLE_SEED = 42;

/**
 * Rows a default sample of `columns`-wide rows holds: up to 64 MiB of values and 1,000,000 rows.
 *
 * @example
 * defaultSampleRows(30); // 559240
 */
export function defaultSampleRows(columns: number): number {
  return Math.max(1, Math.min(SAMPLE_MAX_ROWS, Math.floor(SAMPLE_BYTES / (4 * Math.max(1, columns)))));
}

export interface RowSample {
  /** The sampled rows (every row, in order, when the source has at most `maxRows`). */
  readonly x: Matrix;
  /** Rows the source holds. */
  readonly totalRows: number;
}

export interface SampleOptions {
  readonly maxRows?: number;
  readonly seed?: number;
  /** Called after each chunk (progress). */
  readonly onChunk?: (chunk: RowChunk) => void;
}

/**
 * Read `source` once and keep a uniform sample of at most `maxRows` rows.
 *
 * @example
 * const { x, totalRows } = await sampleRows(await openRowSource('big.csv'), { maxRows: 100_000 });
 */
export async function sampleRows(source: RowSource, options: SampleOptions = {}): Promise<RowSample> {
  const cols = source.columns.length;
  const maxRows = options.maxRows ?? defaultSampleRows(cols);
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw new Error(`sample size ${maxRows} must be a whole number ≥ 1`);
  const rng = new Rng(options.seed ?? SAMPLE_SEED);
  // Grown as rows arrive, so a small source costs only its own size.
  let values = new Float32Array(Math.min(maxRows, 1024) * cols);
  let seen = 0;
  for await (const chunk of source.chunks()) {
    const { data, rows } = chunk.x;
    for (let r = 0; r < rows; r++, seen++) {
      let slot: number;
      if (seen < maxRows) {
        slot = seen;
        if ((slot + 1) * cols > values.length) {
          const grown = new Float32Array(Math.min(maxRows, Math.max(slot + 1, 2 * (values.length / Math.max(1, cols)))) * cols);
          grown.set(values);
          values = grown;
        }
      } else {
        slot = rng.int(seen + 1);
        if (slot >= maxRows) continue;
      }
      values.set(data.subarray(r * cols, (r + 1) * cols), slot * cols);
    }
    options.onChunk?.(chunk);
  }
  if (seen === 0) throw new LatentError(`${source.source}: contains no samples`, 'check that the input holds data rows, not only a header');
  const kept = Math.min(seen, maxRows);
  return { x: matrix(values.length === kept * cols ? values : values.slice(0, kept * cols), kept, cols), totalRows: seen };
}
