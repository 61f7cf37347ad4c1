/**
 * How much of the data a reduction keeps: the mean squared reconstruction error per feature, and
 * the fraction of variance explained, 1 − error / (error of predicting the column means). All
 * sums run in float64; both numbers are in the same (scaled) units, so they compare directly.
 */

import type { Matrix } from '../data/matrix.js';
import { applyScaler } from '../data/scaler.js';
import type { Autoencoder } from '../models/autoencoder.js';

/** Mean of `values`, accumulated in float64. */
export function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** The mean of each column of `x`. */
export function columnMeans(x: Matrix): Float64Array {
  const out = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) for (let c = 0; c < x.cols; c++) out[c]! += x.data[r * x.cols + c]!;
  for (let c = 0; c < x.cols; c++) out[c]! /= x.rows;
  return out;
}

/** Mean squared error per feature of predicting `centre` for every row of `x`. */
export function meanSquaredDeviation(x: Matrix, centre: Float64Array): number {
  let s = 0;
  for (let r = 0; r < x.rows; r++) for (let c = 0; c < x.cols; c++) s += (x.data[r * x.cols + c]! - centre[c]!) ** 2;
  return s / (x.rows * x.cols);
}

export interface ReductionQuality {
  /** Reconstruction MSE per feature, in the model's scaled units. */
  readonly error: number;
  /** 1 − error / (variance per feature of the scaled data). */
  readonly explained: number;
}

/**
 * What the codes of `model` keep of the rows of `x`, in the model's scaled units.
 *
 * @example
 * const { error, explained } = reductionQuality(model, x); // explained 0.93: 93 % of the variance
 */
export function reductionQuality(model: Autoencoder, x: Matrix): ReductionQuality {
  const error = meanOf(model.reconstructionError(x));
  const scaled = model.scaler === null ? x : applyScaler(model.scaler, x);
  return { error, explained: 1 - error / meanSquaredDeviation(scaled, columnMeans(scaled)) };
}
