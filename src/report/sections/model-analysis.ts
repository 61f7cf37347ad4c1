/**
 * What the report's sections measure once and share: the shown rows, their per-feature squared
 * reconstruction errors in the model's scaled units, each row's mean error, and the rows and
 * reconstructions in scaled units (where columns are comparable).
 *
 * Invariant: inference only; the model's weights and mode are left as they were.
 */

import { matrix, type Matrix } from '../../data/matrix.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import type { ReportRows } from './report-rows.js';

export interface ModelAnalysis {
  readonly rows: ReportRows;
  /** rows × features squared errors (scaled units²). */
  readonly featureErrors: Matrix;
  /** Each row's mean squared error per value (scaled units²). */
  readonly rowErrors: Float64Array;
  /** Each feature's mean squared error over the rows (scaled units²). */
  readonly columnErrors: Float64Array;
  readonly scaled: Matrix;
  readonly scaledReconstruction: Matrix;
}

/**
 * @example
 * const analysis = analyseModel(model, reportRows(dataset, split.validation));
 */
export function analyseModel(model: Autoencoder, rows: ReportRows): ModelAnalysis {
  const scaled = model.scale(rows.x);
  const scaledReconstruction = model.scale(model.reconstruct(rows.x));
  return { rows, ...squaredErrors(scaled, scaledReconstruction), scaled, scaledReconstruction };
}

export interface SquaredErrors {
  /** rows × features squared errors. */
  readonly featureErrors: Matrix;
  /** Each row's mean over its features. */
  readonly rowErrors: Float64Array;
  /** Each feature's mean over the rows. */
  readonly columnErrors: Float64Array;
}

/**
 * Squared errors of `rebuilt` against `x`, per value, per row and per column.
 *
 * @example
 * squaredErrors(scaled, pca.inverseTransform(pca.transform(scaled))).rowErrors;
 */
export function squaredErrors(x: Matrix, rebuilt: Matrix): SquaredErrors {
  const { cols } = x;
  const errors = new Float32Array(x.data.length);
  const rowErrors = new Float64Array(x.rows);
  const columnErrors = new Float64Array(cols);
  for (let r = 0; r < x.rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const d = rebuilt.data[r * cols + c]! - x.data[r * cols + c]!;
      const e = d * d;
      errors[r * cols + c] = e;
      sum += e;
      columnErrors[c] += e;
    }
    rowErrors[r] = sum / cols;
  }
  for (let c = 0; c < cols; c++) columnErrors[c] = x.rows === 0 ? 0 : columnErrors[c]! / x.rows;
  return { featureErrors: matrix(errors, x.rows, cols), rowErrors, columnErrors };
}

/** Mean of `values`. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Indices of the `count` largest values, largest first (ties by index). */
export function largest(values: ArrayLike<number>, count: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b]! - values[a]! || a - b)
    .slice(0, count);
}
