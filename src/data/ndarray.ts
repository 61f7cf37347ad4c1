/**
 * NdArray: an n-dimensional array read from a binary file (NPY, NPZ member, IDX), already laid
 * out as a row-major matrix. The first axis is the sample axis; trailing axes are flattened into
 * columns, so images `[n, 28, 28]` become `n × 784` and the original shape is kept in `shape`.
 *
 * Invariant: `matrix.rows * matrix.cols` equals the product of `shape` (a 0-d array is `1 × 1`,
 * a 1-d array of length n is `n × 1`).
 */

import { LatentError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { assertNotEmpty, defaultColumnNames } from './dataset.js';
import type { Matrix } from './matrix.js';
import { matrix } from './matrix.js';

export interface NdArray {
  /** Values in C (row-major) order, first axis as rows, the rest flattened into columns. */
  readonly matrix: Matrix;
  /** Shape as stored in the file. */
  readonly shape: readonly number[];
  /** The stored element type, NumPy style (`<f8`, `|u1`, `>i4`, …). */
  readonly dtype: string;
}

/** Wrap C-ordered values of `shape` as an NdArray, flattening trailing axes into columns. */
export function ndarrayFromValues(values: Float32Array, shape: readonly number[], dtype: string): NdArray {
  const rows = shape.length === 0 ? 1 : (shape[0] as number);
  let cols = 1;
  for (let i = 1; i < shape.length; i++) cols *= shape[i] as number;
  return { matrix: matrix(values, rows, cols), shape: [...shape], dtype };
}

/**
 * Human-readable shape, NumPy style: `(1600, 32)`, `(5,)`, `()` — the notation of the NumPy files
 * these messages are about (tensor shapes elsewhere use `formatShape`: `[1600, 32]`).
 */
export function formatNumpyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * A Dataset whose features are `array` (named `x0…`), with optional labels from a second array
 * that must hold one value per row.
 *
 * @example
 * const ds = datasetFromArrays(parseNpy(bytes, 'x.npy'), 'x.npy');
 */
export function datasetFromArrays(features: NdArray, source: string, labels?: NdArray): Dataset {
  assertNotEmpty(features.matrix, source);
  if (features.matrix.cols === 0) {
    throw new LatentError(
      `${source}: the array has shape ${formatNumpyShape(features.shape)}, so each sample has 0 features`,
      'save an array with at least one value per sample, shape (samples, features)',
    );
  }
  const sampleShape = features.shape.length > 2 ? { sampleShape: features.shape.slice(1) } : {};
  const base = { x: features.matrix, columns: defaultColumnNames(features.matrix.cols), source, ...sampleShape };
  if (labels === undefined) return base;
  return { ...base, labels: labelVector(labels, features.matrix.rows, source) };
}

function labelVector(labels: NdArray, rows: number, source: string): Float32Array {
  const m = labels.matrix;
  if (m.cols !== 1 || m.rows !== rows) {
    throw new LatentError(
      `${source}: labels have shape ${formatNumpyShape(labels.shape)} but the features have ${rows} rows`,
      `labels must hold exactly one value per sample, shape (${rows},) or (${rows}, 1)`,
    );
  }
  return m.data;
}
