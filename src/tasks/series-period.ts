/**
 * The default window of a series scorer: the series' dominant period, found by autocorrelation.
 * A window of one period shows the autoencoder one whole cycle of the normal pattern, so a
 * deviation from that pattern is what it fails to rebuild.
 *
 * Rule: the autocorrelation r(k) of the (channel-averaged) series is computed for lags k in
 * [MIN_PERIOD, min(MAX_PERIOD, ⌊rows/3⌋)] (at least three cycles must be seen for a period to mean
 * anything). The period is the lag of the highest local maximum of r after r first falls below
 * zero (the short-lag correlation of any smooth series is not a cycle). When no such peak reaches
 * MIN_CORRELATION the series has no usable cycle and FALLBACK_WINDOW is used, capped the same way.
 *
 * Assumes: regularly sampled steps (the lag is counted in rows, not in time) and one dominant
 * cycle (daily, weekly …) — with several, the strongest within the bounds wins.
 */

import type { Matrix } from '../data/matrix.js';

export const MIN_PERIOD = 8;
export const MAX_PERIOD = 512;
/** The window when no cycle is found. */
export const FALLBACK_WINDOW = 32;
/** Below this autocorrelation a peak is noise, not a cycle. */
const MIN_CORRELATION = 0.2;

/** The dominant period and how it was decided. */
export interface PeriodEstimate {
  /** The window to use (the period, or the fallback). */
  readonly window: number;
  /** The autocorrelation at that lag, or undefined when no cycle was found. */
  readonly correlation?: number;
}

/**
 * The default window of `series` (time × channels).
 *
 * @example
 * dominantPeriod(sineWithPeriod48).window; // 48
 */
export function dominantPeriod(series: Matrix): PeriodEstimate {
  const n = series.rows;
  const maxLag = Math.min(MAX_PERIOD, Math.floor(n / 3));
  const fallback = { window: Math.max(2, Math.min(FALLBACK_WINDOW, Math.floor(n / 3), n)) };
  if (maxLag < MIN_PERIOD) return fallback;
  const r = autocorrelation(series, maxLag + 1);
  let lag = 1;
  while (lag <= maxLag && r[lag]! >= 0) lag++;
  let best = -1;
  let bestR = MIN_CORRELATION;
  for (let k = Math.max(lag, MIN_PERIOD); k <= maxLag; k++) {
    const peak = r[k]! >= r[k - 1]! && r[k]! >= r[k + 1]!;
    if (peak && r[k]! > bestR) {
      best = k;
      bestR = r[k]!;
    }
  }
  return best < 0 ? fallback : { window: best, correlation: bestR };
}

/**
 * r(0 … maxLag) of the series, averaged over channels (a constant channel contributes nothing).
 * O(rows · maxLag), a few million operations for the lengths used here.
 */
function autocorrelation(series: Matrix, maxLag: number): Float64Array {
  const { rows: n, cols: c, data } = series;
  const r = new Float64Array(maxLag + 1);
  let used = 0;
  const x = new Float64Array(n);
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let t = 0; t < n; t++) mean += data[t * c + ch]! / n;
    let variance = 0;
    for (let t = 0; t < n; t++) {
      x[t] = data[t * c + ch]! - mean;
      variance += x[t]! * x[t]!;
    }
    if (!(variance > 0)) continue;
    used++;
    for (let k = 0; k <= maxLag && k < n; k++) {
      let s = 0;
      for (let t = 0; t + k < n; t++) s += x[t]! * x[t + k]!;
      r[k]! += s / variance;
    }
  }
  if (used > 0) for (let k = 0; k <= maxLag; k++) r[k]! /= used;
  return r;
}
