/**
 * Scores the default-selection script reads off one trained detector, and how the runs of several
 * seeds are combined. Each score is higher for more anomalous rows.
 *
 *   mse          mean squared reconstruction error over the features (scaled units)
 *   featureNorm  each feature's squared error divided by that feature's mean squared error over
 *                the rows, then averaged: a feature the model rebuilds poorly everywhere no longer
 *                dominates
 *   latent       squared Mahalanobis distance of the row's code from the codes of all rows
 *   mseLatent    mse / median(mse) + latent / median(latent)
 *   combined     featureNorm / median(featureNorm) + latent / median(latent): the library's
 *                `combined` metric (src/tasks/combined-score.ts), read from the detector itself
 *
 * Seeds combine by dividing each run's scores by their median and averaging, so no run weighs
 * more because its errors happen to be larger.
 */

import type { Matrix } from '../src/data/matrix.js';
import { rowMeans } from '../src/tasks/calibrated-detector.js';
import type { AutoencoderDetector } from '../src/tasks/detector.js';
import { quantileSorted } from '../src/tasks/threshold.js';

export const SCORE_VARIANTS = ['mse', 'featureNorm', 'latent', 'mseLatent', 'combined'] as const;
export type ScoreVariant = (typeof SCORE_VARIANTS)[number];

/** Every variant's scores of the rows of `x` from a fitted detector. */
export function candidateScores(detector: AutoencoderDetector, x: Matrix): Record<ScoreVariant, Float64Array> {
  const errors = detector.model.featureErrors(x);
  const mse = rowMeans(errors);
  const featureNorm = rowMeans(divideColumns(errors, columnMeans(errors)));
  const latent = mahalanobis(detector.model.encode(x));
  return {
    mse,
    featureNorm,
    latent,
    mseLatent: add(byMedian(mse), byMedian(latent)),
    combined: detector.score(x, 'combined'),
  };
}

/** Seeds' scores of the same rows, each divided by its median, averaged. */
export function combineSeeds(runs: ReadonlyArray<ArrayLike<number>>): Float64Array {
  const out = new Float64Array(runs[0]!.length);
  for (const run of runs) {
    const scaled = byMedian(Float64Array.from(run));
    for (let i = 0; i < out.length; i++) out[i]! += scaled[i]! / runs.length;
  }
  return out;
}

function columnMeans(m: Matrix): Float64Array {
  const out = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) out[c]! += m.data[r * m.cols + c]! / m.rows;
  return out;
}

function divideColumns(m: Matrix, by: Float64Array): Matrix {
  let floor = 0;
  for (const v of by) floor = Math.max(floor, v);
  floor *= 1e-6;
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) data[r * m.cols + c] = m.data[r * m.cols + c]! / Math.max(by[c]!, floor, 1e-12);
  return { data, rows: m.rows, cols: m.cols };
}

function byMedian(s: Float64Array): Float64Array {
  const median = quantileSorted(Float64Array.from(s).sort(), 0.5);
  const d = median > 0 ? median : 1;
  return s.map((v) => v / d);
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]!);
}

/** Squared Mahalanobis distance of each row from the rows' mean, with a small ridge on the covariance. */
function mahalanobis(codes: Matrix): Float64Array {
  const { rows: n, cols: k, data } = codes;
  const mean = new Float64Array(k);
  for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) mean[c]! += data[r * k + c]! / n;
  const cov = new Float64Array(k * k);
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < k; a++) {
      const da = data[r * k + a]! - mean[a]!;
      for (let b = 0; b < k; b++) cov[a * k + b]! += (da * (data[r * k + b]! - mean[b]!)) / Math.max(1, n - 1);
    }
  }
  let trace = 0;
  for (let a = 0; a < k; a++) trace += cov[a * k + a]!;
  for (let a = 0; a < k; a++) cov[a * k + a]! += 1e-6 * (trace / k) + 1e-12;
  const inv = invert(cov, k);
  const out = new Float64Array(n);
  const d = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) d[c] = data[r * k + c]! - mean[c]!;
    let s = 0;
    for (let a = 0; a < k; a++) {
      let t = 0;
      for (let b = 0; b < k; b++) t += inv[a * k + b]! * d[b]!;
      s += d[a]! * t;
    }
    out[r] = s;
  }
  return out;
}

/** Gauss–Jordan inverse of a symmetric positive definite k × k matrix. */
function invert(m: Float64Array, k: number): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col]!) > Math.abs(a[pivot * k + col]!)) pivot = r;
    for (let c = 0; c < k; c++) {
      [a[col * k + c], a[pivot * k + c]] = [a[pivot * k + c]!, a[col * k + c]!];
      [inv[col * k + c], inv[pivot * k + c]] = [inv[pivot * k + c]!, inv[col * k + c]!];
    }
    const p = a[col * k + col]! || 1e-12;
    for (let c = 0; c < k; c++) {
      a[col * k + c]! /= p;
      inv[col * k + c]! /= p;
    }
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r * k + col]!;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) {
        a[r * k + c]! -= f * a[col * k + c]!;
        inv[r * k + c]! -= f * inv[col * k + c]!;
      }
    }
  }
  return inv;
}
