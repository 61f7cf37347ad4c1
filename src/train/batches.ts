/**
 * Splitting and batching: a seeded train/validation split (random, so data sorted by class or
 * time does not put one kind of sample only in validation) and row gathering into batches.
 */

import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import { Rng } from '../tensor/rng.js';

/** Rows of `x` at `indices`, copied into a new matrix. */
export function takeRows(x: Matrix, indices: ArrayLike<number>, start = 0, end = indices.length): Matrix {
  const out = new Float32Array((end - start) * x.cols);
  for (let i = start; i < end; i++) {
    const row = indices[i]!;
    out.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), (i - start) * x.cols);
  }
  return matrix(out, end - start, x.cols);
}

/** Split off a random `fraction` of rows for validation; the same seed gives the same split. */
export function splitValidation(x: Matrix, fraction: number, seed: number): { train: Matrix; validation: Matrix | null } {
  if (fraction === 0) return { train: x, validation: null };
  if (!(fraction > 0 && fraction < 1)) {
    throw new LatentError(`validation split ${fraction} is outside (0, 1)`, 'use e.g. --val-split 0.1, or 0 for none');
  }
  const nVal = Math.round(x.rows * fraction);
  if (nVal < 1 || nVal >= x.rows) {
    throw new LatentError(`a validation split of ${fraction} leaves no rows for ${nVal < 1 ? 'validation' : 'training'} out of ${x.rows}`);
  }
  const order = new Rng(seed ^ 0x5eed).permutation(x.rows);
  const valIdx = order.slice(0, nVal).sort();
  const trainIdx = order.slice(nVal).sort();
  return { train: takeRows(x, trainIdx), validation: takeRows(x, valIdx) };
}
