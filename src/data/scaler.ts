/**
 * Scaler: a per-column affine map fitted on training data and stored as plain JSON in model
 * files, so the same transform applies at prediction time.
 *
 *   forward:  y = (x - offset) * scale
 *   inverse:  x = y / scale + offset
 *
 * - `none`:     offset 0, scale 1.
 * - `minmax`:   offset = column min, scale = 1 / (max - min): training data maps onto [0, 1].
 * - `standard`: offset = column mean, scale = 1 / std (population std, as scikit-learn's
 *               StandardScaler): zero mean, unit variance.
 * - `standard-pooled`: offset = column mean, one scale for every column = 1 / the root mean of
 *               the column variances: zero mean, unit variance on average over the columns.
 *               For columns that share one unit (the features of an embedding, the pixels of
 *               an image): their relative sizes are kept, so a column that is nearly constant
 *               on the training rows stays small instead of being blown up to unit variance
 *               (where any later value off its training constant becomes a huge z-score).
 *
 * Invariants: `scale` is never 0 or non-finite — a constant column gets scale 1 (`standard`), so
 * it maps to 0 and back exactly; all-constant data gets scale 1 (`standard-pooled`). Fitting
 * accumulates in float64; results are rounded to float32 only when written into a Matrix.
 */

import { LatentError } from '../errors.js';
import type { Matrix } from './matrix.js';
import { matrix } from './matrix.js';

export const SCALER_KINDS = ['none', 'minmax', 'standard', 'standard-pooled'] as const;
export type ScalerKind = (typeof SCALER_KINDS)[number];

export interface Scaler {
  readonly kind: ScalerKind;
  /** Subtracted from each column, one value per column. */
  readonly offset: number[];
  /** Multiplies each column after the offset, one non-zero value per column. */
  readonly scale: number[];
}

/**
 * Fit a scaler of `kind` to the columns of `m`.
 *
 * @example
 * const s = fitScaler('minmax', train.x);
 * const x01 = applyScaler(s, train.x); // every training column now spans [0, 1]
 */
export function fitScaler(kind: ScalerKind, m: Matrix): Scaler {
  const { data, rows, cols } = m;
  if (kind === 'none') return identityScaler(cols);
  if (rows === 0) throw new LatentError('cannot fit a scaler on data with no rows', 'pass at least one sample');
  const min = new Array<number>(cols).fill(Infinity);
  const max = new Array<number>(cols).fill(-Infinity);
  const sum = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[base + c] as number;
      if (v < (min[c] as number)) min[c] = v;
      if (v > (max[c] as number)) max[c] = v;
      sum[c] = (sum[c] as number) + v;
    }
  }
  const mean = Array.from(sum, (s) => s / rows);
  // Second pass over deviations: stable where sum-of-squares minus squared mean would cancel.
  const squares = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = (data[base + c] as number) - (mean[c] as number);
      squares[c] = (squares[c] as number) + d * d;
    }
  }
  return scalerFromColumnStats(kind, { mean, variance: Array.from(squares, (q) => q / rows), min, max });
}

/** Per-column statistics a scaler is built from (population variance). */
export interface ColumnStats {
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
  readonly min: ArrayLike<number>;
  readonly max: ArrayLike<number>;
}

/**
 * The scaler of `kind` for columns with these statistics: what `fitScaler` fits, also from
 * statistics gathered in one streaming pass.
 *
 * @example
 * const s = scalerFromColumnStats('standard', { mean: [0], variance: [4], min: [-3], max: [3] }); // scale [0.5]
 */
export function scalerFromColumnStats(kind: ScalerKind, stats: ColumnStats): Scaler {
  const cols = stats.mean.length;
  if (kind === 'none') return identityScaler(cols);
  const min = Array.from(stats.min);
  const max = Array.from(stats.max);
  const constant = (c: number): boolean => min[c] === max[c];
  if (kind === 'minmax') {
    return { kind, offset: min, scale: min.map((lo, c) => (constant(c) ? 1 : 1 / ((max[c] as number) - lo))) };
  }
  const offset = Array.from(stats.mean);
  const variance = Array.from(stats.variance, (v, c) => (constant(c) ? 0 : v));
  if (kind === 'standard-pooled') {
    const pooled = Math.sqrt(variance.reduce((a, v) => a + v, 0) / Math.max(1, cols));
    const scale = pooled > 0 && Number.isFinite(1 / pooled) ? 1 / pooled : 1;
    return { kind, offset, scale: new Array<number>(cols).fill(scale) };
  }
  const scale = variance.map((v) => {
    const std = Math.sqrt(v);
    return std > 0 && Number.isFinite(1 / std) ? 1 / std : 1;
  });
  return { kind, offset, scale };
}

/** A scaler that leaves `cols` columns unchanged. */
export function identityScaler(cols: number): Scaler {
  return { kind: 'none', offset: new Array<number>(cols).fill(0), scale: new Array<number>(cols).fill(1) };
}

/**
 * `(x - offset) * scale`, column by column, into a new matrix.
 *
 * @example
 * const z = applyScaler(fitScaler('standard', x), x);
 */
export function applyScaler(scaler: Scaler, m: Matrix): Matrix {
  checkWidth(scaler, m);
  const out = new Float32Array(m.data.length);
  const { offset, scale } = scaler;
  for (let r = 0; r < m.rows; r++) {
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) out[base + c] = ((m.data[base + c] as number) - (offset[c] as number)) * (scale[c] as number);
  }
  return matrix(out, m.rows, m.cols);
}

/**
 * `y / scale + offset`: maps scaled values (e.g. reconstructions) back to the data's units.
 *
 * @example
 * inverseScaler(s, applyScaler(s, x)); // equals x up to float32 rounding
 */
export function inverseScaler(scaler: Scaler, m: Matrix): Matrix {
  checkWidth(scaler, m);
  const out = new Float32Array(m.data.length);
  const { offset, scale } = scaler;
  for (let r = 0; r < m.rows; r++) {
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) out[base + c] = (m.data[base + c] as number) / (scale[c] as number) + (offset[c] as number);
  }
  return matrix(out, m.rows, m.cols);
}

/**
 * Check an untrusted JSON value (e.g. read from a model file) and return it as a Scaler.
 *
 * @example
 * const scaler = parseScaler(JSON.parse(metadata.scaler), 'model.safetensors');
 */
export function parseScaler(value: unknown, source: string): Scaler {
  const fail = (what: string): never => {
    throw new LatentError(`${source}: invalid scaler: ${what}`, 'the file was not written by latent or was edited; save the model again');
  };
  if (typeof value !== 'object' || value === null) return fail('expected an object');
  const kind: unknown = Reflect.get(value, 'kind');
  const offset: unknown = Reflect.get(value, 'offset');
  const scale: unknown = Reflect.get(value, 'scale');
  if (!isScalerKind(kind)) return fail(`unknown kind ${JSON.stringify(kind)} (expected ${SCALER_KINDS.join(', ')})`);
  const numbers = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v) || !v.every((n) => typeof n === 'number' && Number.isFinite(n)))
      return fail(`${name} must be a list of finite numbers`);
    return v.map(Number);
  };
  const o = numbers(offset, 'offset');
  const s = numbers(scale, 'scale');
  if (o.length !== s.length) fail(`offset has ${o.length} values but scale has ${s.length}`);
  if (s.some((v) => v === 0)) fail('scale holds a zero');
  return { kind, offset: o, scale: s };
}

/** True when `value` names a scaler kind. */
export function isScalerKind(value: unknown): value is ScalerKind {
  return SCALER_KINDS.some((k) => k === value);
}

function checkWidth(scaler: Scaler, m: Matrix): void {
  if (scaler.offset.length !== m.cols) {
    throw new LatentError(
      `the scaler was fitted on ${scaler.offset.length} columns but the data has ${m.cols}`,
      'use data with the same columns, in the same order, as the training data',
    );
  }
}
