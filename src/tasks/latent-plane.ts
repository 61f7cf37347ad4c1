/**
 * Latent-plane grids of a variational autoencoder: latent points spanning the central region of
 * the prior N(0, I), as in the Keras VAE example, for decoding into a grid of images. Both axes
 * take the standard-normal quantiles of evenly spaced probabilities from 0.05 to 0.95, so the
 * points are densest where the prior has most mass; latent dimensions past the second are held
 * at 0, the prior's mean.
 *
 * Invariants: cell (row r, column c) holds z₁ = axis[c] and z₂ = axis[n − 1 − r] (the top row has
 * the highest z₂, as on a plot); a 1-D latent gives one row along z₁. Pure numbers: no backend.
 */

/** Prior probabilities of the first and last grid lines. */
export const PLANE_PROBABILITIES: readonly [number, number] = [0.05, 0.95];

// Acklam's rational approximations to the normal quantile (relative error below 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const TAIL = 0.02425;

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1) (±Infinity at 0 and 1, NaN outside).
 *
 * @example
 * normalQuantile(0.975); // 1.959963…
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p < TAIL) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - TAIL) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  const num = (((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q;
  const den = ((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1;
  return num / den;
}

function tail(q: number): number {
  const num = ((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!;
  const den = (((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1;
  return num / den;
}

/**
 * The latent values of the grid lines: Φ⁻¹ of `size` evenly spaced probabilities from 0.05 to
 * 0.95, ascending.
 *
 * @example
 * planeAxis(3); // [-1.6449, 0, 1.6449]
 */
export function planeAxis(size: number): Float32Array {
  const [lo, hi] = PLANE_PROBABILITIES;
  return Float32Array.from({ length: size }, (_, i) => normalQuantile(size === 1 ? 0.5 : lo + ((hi - lo) * i) / (size - 1)));
}

/**
 * Latent codes of every cell, row-major (top row first), `latentDim` values each: z₁ along the
 * columns, z₂ down the rows from high to low, every other dimension 0.
 *
 * @example
 * planeCodes(planeAxis(12), 2).length; // 288 (144 cells × 2)
 */
export function planeCodes(axis: Float32Array, latentDim: number): Float32Array {
  const n = axis.length;
  const rows = planeRows(n, latentDim);
  const codes = new Float32Array(rows * n * latentDim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < n; c++) {
      const cell = (r * n + c) * latentDim;
      codes[cell] = axis[c]!;
      if (latentDim > 1) codes[cell + 1] = axis[n - 1 - r]!;
    }
  }
  return codes;
}

/** Rows of the grid: one per axis value, or a single row for a one-dimensional latent. */
export function planeRows(size: number, latentDim: number): number {
  return latentDim > 1 ? size : 1;
}
