/**
 * Pca: principal component analysis, the linear baseline every autoencoder is compared against
 * (`latent reduce --method pca`, anomaly scoring by reconstruction error).
 *
 * Numbers follow scikit-learn's `PCA` (full solver): the data is centred by its column means,
 * `explainedVariance` is s² / (n - 1), `explainedVarianceRatio` divides by the total variance of
 * the data (ddof = 1), and each component's sign is chosen so that its largest-magnitude entry is
 * positive (sklearn ≥ 1.5, `svd_flip(u_based_decision=False)`).
 *
 * Invariants: all fitted state is float64; components are orthonormal rows (k × d); inputs and
 * outputs are float32 `Matrix` values; nothing here mutates its inputs.
 */

import { checkOptions } from '../check-options.js';
import { LatentError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { byCovariance, bySvd, flipSigns } from './pca-decompose.js';

/** How the decomposition is computed; both give the same numbers up to rounding. */
export type PcaSolver = 'auto' | 'svd' | 'covariance';

export interface PcaOptions {
  /** Number of components k; at most min(rows, cols) of the training data. Default min(rows, cols). */
  readonly nComponents?: number;
  /**
   * `svd`: SVD of the centred data. `covariance`: eigendecomposition of the d × d covariance in
   * float64, much faster when rows ≫ cols. `auto` (default) picks `covariance` when rows ≥ 2·cols.
   */
  readonly solver?: PcaSolver;
}

/** The stored form of a fitted PCA (plain JSON). */
export interface PcaJson {
  readonly format: 'latent-pca';
  readonly version: 1;
  readonly nFeatures: number;
  readonly nSamples: number;
  readonly mean: number[];
  /** k rows of d values. */
  readonly components: number[][];
  readonly explainedVariance: number[];
  readonly explainedVarianceRatio: number[];
}

interface Fitted {
  readonly nFeatures: number;
  readonly nSamples: number;
  readonly mean: Float64Array;
  /** Row-major k × d. */
  readonly components: Float64Array;
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
}

/**
 * Principal component analysis with scikit-learn semantics.
 *
 * @example
 * const pca = new Pca({ nComponents: 2 });
 * const codes = pca.fitTransform(data); // data.rows × 2
 */
export class Pca {
  private readonly requested: number | undefined;
  private readonly solver: PcaSolver;
  private fitted: Fitted | undefined;

  /**
   * `new Pca(2)` is short for `new Pca({ nComponents: 2 })`, as scikit-learn's `PCA(2)`.
   * Options are checked at once: an unknown key or a wrong type is an error, not ignored.
   */
  constructor(options: PcaOptions | number = {}) {
    if (typeof options === 'number') options = { nComponents: options };
    checkOptions(options, { nComponents: 'number', solver: ['auto', 'svd', 'covariance'] }, 'Pca options');
    const k = options.nComponents;
    if (k !== undefined && (!Number.isInteger(k) || k < 1)) {
      throw new LatentError(`PCA: nComponents must be a positive integer, got ${k}`, 'pass a whole number of components such as 2 or 32');
    }
    this.requested = k;
    this.solver = options.solver ?? 'auto';
  }

  /** Fits the mean and the principal axes of `x` (rows = samples). Returns `this`. */
  fit(x: Matrix): this {
    const { rows: n, cols: d } = x;
    if (n < 2 || d < 1) {
      throw new LatentError(
        `PCA: the training data has ${n} row(s) and ${d} column(s); PCA needs at least 2 rows and 1 column`,
        'fit on a data set with several samples',
      );
    }
    checkFinite(x, 'PCA training data');
    const k = this.requested ?? Math.min(n, d);
    if (k > Math.min(n, d)) {
      throw new LatentError(
        `PCA: nComponents = ${k} exceeds min(rows, cols) = min(${n}, ${d}) = ${Math.min(n, d)}`,
        `choose nComponents ≤ ${Math.min(n, d)}`,
      );
    }
    const mean = columnMeans(x);
    const centred = new Float64Array(n * d);
    let totalVariance = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = x.data[i * d + j]! - mean[j]!;
        centred[i * d + j] = v;
        totalVariance += v * v;
      }
    }
    totalVariance /= n - 1;

    const useCovariance = this.solver === 'covariance' || (this.solver === 'auto' && n >= 2 * d);
    const { components, variances } = useCovariance ? byCovariance(centred, n, d, k) : bySvd(centred, n, d, k);
    flipSigns(components, k, d);
    const ratio = variances.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
    this.fitted = {
      nFeatures: d,
      nSamples: n,
      mean,
      components,
      explainedVariance: variances,
      explainedVarianceRatio: ratio,
    };
    return this;
  }

  /** Projects `x` (rows × d) onto the components: rows × k codes. */
  transform(x: Matrix): Matrix {
    const f = this.state();
    checkCols(x, f.nFeatures, 'PCA input');
    const k = this.nComponents;
    const codes = this.codes64(x);
    return { data: Float32Array.from(codes), rows: x.rows, cols: k };
  }

  /** Maps codes (rows × k) back to the data space: rows × d. */
  inverseTransform(codes: Matrix): Matrix {
    const f = this.state();
    checkCols(codes, this.nComponents, 'PCA codes');
    const out = this.reconstruct64(Float64Array.from(codes.data), codes.rows);
    return { data: Float32Array.from(out), rows: codes.rows, cols: f.nFeatures };
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Matrix): Matrix {
    return this.fit(x).transform(x);
  }

  /**
   * Per-sample mean squared reconstruction error over the features (the PCA anomaly score),
   * computed in float64 throughout.
   */
  reconstructionErrors(x: Matrix): Float64Array {
    const f = this.state();
    checkCols(x, f.nFeatures, 'PCA input');
    const d = f.nFeatures;
    const recon = this.reconstruct64(this.codes64(x), x.rows);
    const errors = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const e = x.data[i * d + j]! - recon[i * d + j]!;
        sum += e * e;
      }
      errors[i] = sum / d;
    }
    return errors;
  }

  /** Whether `fit` (or `fromJSON`) has run. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** Number of components k. */
  get nComponents(): number {
    const f = this.state();
    return f.components.length / f.nFeatures;
  }

  /** Number of input features d. */
  get nFeatures(): number {
    return this.state().nFeatures;
  }

  /** Column means of the training data (length d). */
  get mean(): Float64Array {
    return this.state().mean.slice();
  }

  /** Principal axes as a k × d matrix (rows orthonormal). */
  get components(): Matrix {
    const f = this.state();
    return { data: Float32Array.from(f.components), rows: this.nComponents, cols: f.nFeatures };
  }

  /** Variance along each component (ddof = 1), largest first. */
  get explainedVariance(): Float64Array {
    return this.state().explainedVariance.slice();
  }

  /** Fraction of the total variance along each component. */
  get explainedVarianceRatio(): Float64Array {
    return this.state().explainedVarianceRatio.slice();
  }

  /** Plain JSON holding everything needed to rebuild the fitted PCA. */
  toJSON(): PcaJson {
    const f = this.state();
    const k = this.nComponents;
    const d = f.nFeatures;
    const components: number[][] = [];
    for (let r = 0; r < k; r++) components.push(Array.from(f.components.subarray(r * d, (r + 1) * d)));
    return {
      format: 'latent-pca',
      version: 1,
      nFeatures: d,
      nSamples: f.nSamples,
      mean: Array.from(f.mean),
      components,
      explainedVariance: Array.from(f.explainedVariance),
      explainedVarianceRatio: Array.from(f.explainedVarianceRatio),
    };
  }

  /** Rebuilds a fitted PCA from `toJSON()` output; checks every shape. */
  static fromJSON(value: unknown): Pca {
    const json = parsePcaJson(value);
    const k = json.components.length;
    const pca = new Pca({ nComponents: k });
    const components = new Float64Array(k * json.nFeatures);
    json.components.forEach((row, r) => components.set(row, r * json.nFeatures));
    pca.fitted = {
      nFeatures: json.nFeatures,
      nSamples: json.nSamples,
      mean: Float64Array.from(json.mean),
      components,
      explainedVariance: Float64Array.from(json.explainedVariance),
      explainedVarianceRatio: Float64Array.from(json.explainedVarianceRatio),
    };
    return pca;
  }

  private state(): Fitted {
    if (this.fitted === undefined) {
      throw new LatentError('PCA is not fitted yet', 'call fit(data) (or Pca.fromJSON) before using it');
    }
    return this.fitted;
  }

  private codes64(x: Matrix): Float64Array {
    const f = this.state();
    const d = f.nFeatures;
    const k = this.nComponents;
    const codes = new Float64Array(x.rows * k);
    const row = new Float64Array(d);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < d; j++) row[j] = x.data[i * d + j]! - f.mean[j]!;
      for (let r = 0; r < k; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += row[j]! * f.components[r * d + j]!;
        codes[i * k + r] = s;
      }
    }
    return codes;
  }

  private reconstruct64(codes: Float64Array, rows: number): Float64Array {
    const f = this.state();
    const d = f.nFeatures;
    const k = this.nComponents;
    const out = new Float64Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) out[o + j] = f.mean[j]!;
      for (let r = 0; r < k; r++) {
        const c = codes[i * k + r]!;
        for (let j = 0; j < d; j++) out[o + j]! += c * f.components[r * d + j]!;
      }
    }
    return out;
  }
}

function columnMeans(x: Matrix): Float64Array {
  const mean = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) mean[j]! += x.data[i * x.cols + j]!;
  for (let j = 0; j < x.cols; j++) mean[j]! /= x.rows;
  return mean;
}

function checkFinite(x: Matrix, what: string): void {
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i])) {
      const row = Math.floor(i / x.cols);
      const col = i % x.cols;
      throw new LatentError(
        `${what} has a non-finite value (${x.data[i]}) at row ${row}, column ${col}`,
        'remove or impute missing values before fitting',
      );
    }
  }
}

function checkCols(x: Matrix, expected: number, what: string): void {
  if (x.cols !== expected) {
    throw new LatentError(
      `${what} has ${x.cols} columns but the PCA expects ${expected}`,
      'pass data with the same columns as the data the PCA was fitted on',
    );
  }
}

function parsePcaJson(value: unknown): PcaJson {
  const bad = (why: string): LatentError => new LatentError(`not a stored PCA: ${why}`, 'pass the object produced by Pca.toJSON()');
  if (typeof value !== 'object' || value === null) throw bad('expected an object');
  const o = value as Record<string, unknown>;
  if (o['format'] !== 'latent-pca') throw bad(`format is ${String(o['format'])}, expected "latent-pca"`);
  if (o['version'] !== 1) {
    throw new LatentError(
      `stored PCA has format version ${String(o['version'])}; this version of latent reads version 1`,
      'upgrade latent to read files written by a newer version',
    );
  }
  const d = o['nFeatures'];
  const n = o['nSamples'];
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw bad('nFeatures must be a positive integer');
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2) throw bad('nSamples must be an integer ≥ 2');
  const numbers = (key: string, length: number): number[] => {
    const a = o[key];
    if (!Array.isArray(a) || a.length !== length || !a.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw bad(`${key} must be an array of ${length} finite numbers`);
    }
    return a as number[];
  };
  const rows = o['components'];
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > d) {
    throw bad(`components must be an array of 1 to ${d} rows`);
  }
  const components = rows.map((_, r) => {
    const row = rows[r] as unknown;
    if (!Array.isArray(row) || row.length !== d || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw bad(`components row ${r} must hold ${d} finite numbers`);
    }
    return row as number[];
  });
  const k = components.length;
  return {
    format: 'latent-pca',
    version: 1,
    nFeatures: d,
    nSamples: n,
    mean: numbers('mean', d),
    components,
    explainedVariance: numbers('explainedVariance', k),
    explainedVarianceRatio: numbers('explainedVarianceRatio', k),
  };
}
