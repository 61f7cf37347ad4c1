/**
 * Splitting and batching: a seeded train/validation split (random, so data sorted by class or
 * time does not put one kind of sample only in validation) and row gathering into batches.
 */

import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import { Rng } from '../tensor/rng.js';

/** Rows of `x` at `indices[start..end)`, copied into the first (end - start)·cols values of `out`. */
export function gatherRows(x: Matrix, indices: ArrayLike<number>, start: number, end: number, out: Float32Array): void {
  for (let i = start; i < end; i++) {
    const row = indices[i]!;
    out.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), (i - start) * x.cols);
  }
}

/** Rows of `x` at `indices`, copied into a new matrix. */
export function takeRows(x: Matrix, indices: ArrayLike<number>, start = 0, end = indices.length): Matrix {
  const out = new Float32Array((end - start) * x.cols);
  gatherRows(x, indices, start, end, out);
  return matrix(out, end - start, x.cols);
}

/**
 * Rows a validation split of `fraction` holds out of `rows` (rounded to the nearest row), and the
 * part it leaves without rows, if any. Callers word the error for their own option names.
 *
 * @example
 * heldOutRows(3, 0.1); // { held: 0, empty: 'validation' }
 */
export function heldOutRows(rows: number, fraction: number): { held: number; empty: 'validation' | 'training' | null } {
  const held = Math.round(rows * fraction);
  if (fraction === 0) return { held: 0, empty: null };
  return { held, empty: held < 1 ? 'validation' : held >= rows ? 'training' : null };
}

/** Row indices of a seeded split holding out `held` of `rows` rows, each part in row order. */
export function splitIndices(rows: number, held: number, seed: number): { train: Uint32Array; validation: Uint32Array } {
  const order = new Rng(seed ^ 0x5eed).permutation(rows);
  return { train: order.slice(held).sort(), validation: order.slice(0, held).sort() };
}

/**
 * The row indices `splitValidation` gives for `fraction` of `rows` rows and `seed`: the rows a
 * run trained on and the rows it validated on (empty when none were held out).
 *
 * @example
 * validationIndices(1831, 0.1, 42).validation.length; // 183
 */
export function validationIndices(rows: number, fraction: number, seed: number): { train: Uint32Array; validation: Uint32Array } {
  const held = heldOutRows(rows, fraction).held;
  return held === 0
    ? { train: Uint32Array.from({ length: rows }, (_, i) => i), validation: new Uint32Array(0) }
    : splitIndices(rows, held, seed);
}

/** Split off a random `fraction` of rows for validation; the same seed gives the same split. */
export function splitValidation(x: Matrix, fraction: number, seed: number): { train: Matrix; validation: Matrix | null } {
  if (fraction === 0) return { train: x, validation: null };
  if (!(fraction > 0 && fraction < 1)) {
    throw new LatentError(`validation split ${fraction} is outside (0, 1)`, 'use e.g. --val-split 0.1, or 0 for none');
  }
  const { empty } = heldOutRows(x.rows, fraction);
  if (empty !== null) throw new LatentError(`a validation split of ${fraction} leaves no rows for ${empty} out of ${x.rows}`);
  const { train, validation } = validationIndices(x.rows, fraction, seed);
  return { train: takeRows(x, train), validation: takeRows(x, validation) };
}
