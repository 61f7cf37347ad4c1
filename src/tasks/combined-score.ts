/**
 * The `combined` anomaly score of an autoencoder detector: how badly a row is rebuilt plus how
 * unusual its code is, each on the scale of the training rows.
 *
 *   score(x) = [ mean_j e_j(x) / s_j ] / m_e  +  (z − μ)ᵀ Σ⁻¹ (z − μ) / m_d
 *
 * - e_j(x): squared reconstruction error of feature j (scaled units); s_j: its mean over the
 *   training rows, so a feature the model rebuilds poorly everywhere does not drown the others;
 * - z: the row's latent code; μ, Σ: mean and covariance of the training rows' codes (a small
 *   ridge keeps Σ invertible): a row the model rebuilds well can still sit far out along the
 *   directions the model learned — an extreme value of a common pattern — and reconstruction
 *   error alone misses it;
 * - m_e, m_d: the medians of the two terms over the training rows, so each counts about equally.
 *
 * Chosen by leave-one-dataset-out over the shared tabular sets (bench/select-defaults.ts) against
 * plain MSE, each term alone, and seed ensembles. The statistics are fitted once, on the rows the
 * detector is fitted on, and stored with the threshold in the model file.
 */

import { inverse, Matrix as MlMatrix } from 'ml-matrix';
import type { Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { quantileSorted } from './threshold.js';

/** What the combined score needs besides the model, fitted on the training rows. */
export interface CombinedStatistics {
  /** Mean squared error of each feature over the training rows (length d). */
  readonly featureScale: number[];
  /** Mean of the training codes (length k). */
  readonly codeMean: number[];
  /** Inverse of the (ridged) covariance of the training codes, k × k row-major. */
  readonly codePrecision: number[];
  /** Medians of the two terms over the training rows. */
  readonly errorMedian: number;
  readonly distanceMedian: number;
}

/** Relative ridge added to the code covariance's diagonal (times its mean variance). */
const RIDGE = 1e-6;

/**
 * Fit the statistics of the combined score on the rows `x` (raw units; the model scales them).
 *
 * @example
 * const stats = fitCombinedStatistics(model, x);
 * combinedScores(model, x, stats); // about half the rows score below 2
 */
export function fitCombinedStatistics(model: Autoencoder, x: Matrix): CombinedStatistics {
  if (x.rows < 2) throw new LatentError('the combined score needs at least 2 training rows', 'fit on more rows, or use the mse metric');
  // Two passes over the rows in chunks, so memory stays bounded by the chunk on large data.
  const errorSums = new Float64Array(model.inputDim);
  const codeSums = new Float64Array(model.latentDim);
  forChunks(x, (rows) => {
    addColumns(model.featureErrors(rows), errorSums);
    addColumns(model.encode(rows), codeSums);
  });
  const featureScale = Array.from(errorSums, (v) => v / x.rows);
  const largest = featureScale.reduce((a, b) => Math.max(a, b), 0);
  const floor = Math.max(largest * 1e-6, 1e-12);
  const scale = featureScale.map((v) => Math.max(v, floor));
  const codeMean = Array.from(codeSums, (v) => v / x.rows);
  const codePrecision = precisionOf(model, x, codeMean);
  const partial = { featureScale: scale, codeMean, codePrecision };
  const terms = combinedTerms(model, x, partial);
  return { ...partial, errorMedian: positiveMedian(terms.error), distanceMedian: positiveMedian(terms.distance) };
}

/** The combined score of each row of `x`. */
export function combinedScores(model: Autoencoder, x: Matrix, stats: CombinedStatistics): Float64Array {
  checkShapes(model, stats);
  return combine(combinedTerms(model, x, stats), stats);
}

/**
 * The combined score of rows whose per-feature squared errors [rows, d] (scaled units) and codes
 * [rows, k] were computed elsewhere, e.g. by another inference engine.
 *
 * @example
 * const scores = combinedScoresOf(model.featureErrors(x), model.encode(x), stats); // = combinedScores(model, x, stats)
 */
export function combinedScoresOf(errors: Matrix, codes: Matrix, stats: CombinedStatistics): Float64Array {
  const terms = { error: new Float64Array(errors.rows), distance: new Float64Array(errors.rows) };
  addTerms(errors, codes, stats, terms, 0);
  return combine(terms, stats);
}

function combine(terms: { error: Float64Array; distance: Float64Array }, stats: CombinedStatistics): Float64Array {
  const out = new Float64Array(terms.error.length);
  for (let i = 0; i < out.length; i++) out[i] = terms.error[i]! / stats.errorMedian + terms.distance[i]! / stats.distanceMedian;
  return out;
}

/**
 * Read statistics back from a model file's metadata; `source` names the file in errors.
 *
 * @example
 * const stats = parseCombinedStatistics(extra['detector']['statistics'], 'm.safetensors');
 */
export function parseCombinedStatistics(value: unknown, source: string): CombinedStatistics {
  const fail = (why: string): LatentError =>
    new LatentError(`${source}: invalid combined-score statistics: ${why}`, 'the file was edited or damaged; fit the detector again');
  if (typeof value !== 'object' || value === null) throw fail('expected an object');
  const numbers = (key: string): number[] => {
    const v: unknown = Reflect.get(value, key);
    if (!Array.isArray(v) || !v.every((n): n is number => typeof n === 'number' && Number.isFinite(n))) {
      throw fail(`${key} must be a list of finite numbers`);
    }
    return v;
  };
  const positive = (key: string): number => {
    const v: unknown = Reflect.get(value, key);
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw fail(`${key} must be a finite number above 0`);
    return v;
  };
  const stats: CombinedStatistics = {
    featureScale: numbers('featureScale'),
    codeMean: numbers('codeMean'),
    codePrecision: numbers('codePrecision'),
    errorMedian: positive('errorMedian'),
    distanceMedian: positive('distanceMedian'),
  };
  if (stats.codePrecision.length !== stats.codeMean.length ** 2) {
    throw fail(`codePrecision holds ${stats.codePrecision.length} numbers for a ${stats.codeMean.length}-dimensional code`);
  }
  return stats;
}

/** Throws unless the statistics fit the model's input and code sizes. */
export function checkShapes(model: Autoencoder, stats: CombinedStatistics, source = 'the detector'): void {
  if (stats.featureScale.length !== model.inputDim || stats.codeMean.length !== model.latentDim) {
    throw new LatentError(
      `${source}: combined-score statistics for ${stats.featureScale.length} features and a ${stats.codeMean.length}-dimensional code, ` +
        `but the model has ${model.inputDim} and ${model.latentDim}`,
      'fit the detector again on this model',
    );
  }
}

/** Rows per chunk when scoring: bounds the per-feature error matrix on large data. */
const CHUNK_ROWS = 8192;

/** Calls `visit` with consecutive row ranges of `x` (views, no copies). */
function forChunks(x: Matrix, visit: (rows: Matrix, start: number) => void): void {
  for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
    const end = Math.min(x.rows, start + CHUNK_ROWS);
    visit({ data: x.data.subarray(start * x.cols, end * x.cols), rows: end - start, cols: x.cols }, start);
  }
}

function addColumns(m: Matrix, sums: Float64Array): void {
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) sums[c]! += m.data[r * m.cols + c]!;
}

/**
 * The two terms of every row of `x`, before division by their medians: the per-feature normalised
 * reconstruction error and the code's squared Mahalanobis distance.
 *
 * @example
 * const { error, distance } = combinedTerms(model, x, fitCombinedStatistics(model, x));
 */
export function combinedTerms(
  model: Autoencoder,
  x: Matrix,
  stats: Pick<CombinedStatistics, 'featureScale' | 'codeMean' | 'codePrecision'>,
): { error: Float64Array; distance: Float64Array } {
  const terms = { error: new Float64Array(x.rows), distance: new Float64Array(x.rows) };
  forChunks(x, (rows, start) => addTerms(model.featureErrors(rows), model.encode(rows), stats, terms, start));
  return terms;
}

/** Fill rows `start…` of both terms from per-feature squared errors [rows, d] and codes [rows, k]. */
function addTerms(
  errors: Matrix,
  codes: Matrix,
  stats: Pick<CombinedStatistics, 'featureScale' | 'codeMean' | 'codePrecision'>,
  { error, distance }: { error: Float64Array; distance: Float64Array },
  start: number,
): void {
  const d = errors.cols;
  const k = codes.cols;
  const centred = new Float64Array(k);
  for (let r = 0; r < errors.rows; r++) {
    let e = 0;
    for (let j = 0; j < d; j++) e += errors.data[r * d + j]! / stats.featureScale[j]!;
    error[start + r] = e / d;
    for (let a = 0; a < k; a++) centred[a] = codes.data[r * k + a]! - stats.codeMean[a]!;
    let q = 0;
    for (let a = 0; a < k; a++) {
      let t = 0;
      for (let b = 0; b < k; b++) t += stats.codePrecision[a * k + b]! * centred[b]!;
      q += centred[a]! * t;
    }
    distance[start + r] = Math.max(0, q);
  }
}

/** Inverse of the codes' covariance with a small ridge (codes of a trained model may be degenerate). */
function precisionOf(model: Autoencoder, x: Matrix, mean: readonly number[]): number[] {
  const k = model.latentDim;
  const n = x.rows;
  const cov = MlMatrix.zeros(k, k);
  forChunks(x, (rows) => {
    const { data } = model.encode(rows);
    for (let r = 0; r < rows.rows; r++) {
      for (let a = 0; a < k; a++) {
        const da = data[r * k + a]! - mean[a]!;
        for (let b = a; b < k; b++) cov.set(a, b, cov.get(a, b) + da * (data[r * k + b]! - mean[b]!));
      }
    }
  });
  let trace = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = cov.get(a, b) / (n - 1);
      cov.set(a, b, v);
      cov.set(b, a, v);
    }
    trace += cov.get(a, a);
  }
  const ridge = RIDGE * (trace / k) + 1e-12;
  for (let a = 0; a < k; a++) cov.set(a, a, cov.get(a, a) + ridge);
  return inverse(cov, true).to1DArray();
}

/** The median, or 1 when it is 0 (all rows perfect), so dividing by it is safe. */
function positiveMedian(values: Float64Array): number {
  const m = quantileSorted(Float64Array.from(values).sort(), 0.5);
  return m > 0 && Number.isFinite(m) ? m : 1;
}
