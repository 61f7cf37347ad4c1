/**
 * Sliding windows for time-series anomaly detection: cut a (time × channels) series into
 * fixed-length windows that a dense autoencoder can take as rows, then map window scores back to
 * one score per time point.
 *
 * Invariants: window starts are strictly increasing and at most one window length apart; the last window ends exactly at the end of
 * the series, so every time point is covered by at least one window; a window row is the window's
 * time steps in order, each step's channels together (time-major, channels inner).
 */

import { LatentError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';

export interface SlidingWindows {
  /** nWindows × (length · channels). */
  readonly windows: Matrix;
  /** Time index of the first step of each window. */
  readonly starts: number[];
}

/**
 * How the scores of the windows covering a point are combined into the point's score:
 * `mean` or `max` over the covering windows, `min` over them (high only when every window that
 * sees the point is bad, so an anomaly does not smear into its neighbours), or `end`: the score of
 * the latest window ending at or before the point (a point is judged by the window it completes,
 * as a stream would see it; the first length − 1 points take the first window's score).
 */
export type WindowAggregate = 'mean' | 'max' | 'min' | 'end';

/**
 * Cuts `series` (time × channels) into windows of `length` steps every `stride` steps
 * (1 ≤ stride ≤ length); a final window aligned to the end is added when the stride would leave
 * the tail uncovered.
 *
 * @example
 * const { windows, starts } = slidingWindows(series, 64, 16);
 * // windows.rows === starts.length, windows.cols === 64 * series.cols
 */
export function slidingWindows(series: Matrix, length: number, stride: number): SlidingWindows {
  const t = series.rows;
  const c = series.cols;
  if (!Number.isInteger(length) || length < 1) {
    throw new LatentError(`sliding windows: the window length ${length} must be a whole number ≥ 1`, 'use e.g. --window 64');
  }
  if (!Number.isInteger(stride) || stride < 1 || stride > length) {
    // A stride longer than the window would skip points, which then get no score.
    throw new LatentError(
      `sliding windows: the stride ${stride} must be a whole number from 1 to the window length ${length}`,
      'use a stride between 1 and the window length, e.g. --stride 1',
    );
  }
  if (length > t) {
    throw new LatentError(
      `sliding windows: the window length ${length} is longer than the series (${t} time steps)`,
      `use a window of at most ${t} steps or a longer series`,
    );
  }
  const starts = windowStarts(t, length, stride);
  const width = length * c;
  const data = new Float32Array(starts.length * width);
  starts.forEach((s, w) => data.set(series.data.subarray(s * c, (s + length) * c), w * width));
  return { windows: { data, rows: starts.length, cols: width }, starts };
}

/**
 * Spreads one score per window over the time points: each point gets the mean, max or min of the
 * scores of the windows that cover it, or the score of the window it ends (`end`).
 *
 * @example
 * const perPoint = pointScores(windowScores, starts, 64, series.rows, 'mean');
 */
export function pointScores(
  windowScores: ArrayLike<number>,
  starts: readonly number[],
  length: number,
  seriesLength: number,
  aggregate: WindowAggregate = 'mean',
): Float64Array {
  checkLayout(windowScores.length, starts, length, seriesLength, 'window scores');
  for (let w = 0; w < windowScores.length; w++) {
    if (!Number.isFinite(windowScores[w])) {
      throw new LatentError(
        `window scores: the score of window ${w} is ${windowScores[w]}`,
        'check the model output for NaN (for example a diverged training run)',
      );
    }
  }
  const out = new Float64Array(seriesLength);
  if (aggregate === 'max' || aggregate === 'min') {
    const sign = aggregate === 'max' ? 1 : -1;
    out.fill(-Infinity);
    starts.forEach((s, w) => {
      const v = sign * windowScores[w]!;
      for (let p = s; p < s + length; p++) if (v > out[p]!) out[p] = v;
    });
    checkCovered(out, (v) => v === -Infinity);
    if (sign < 0) for (let p = 0; p < seriesLength; p++) out[p] = -out[p]!;
    return out;
  }
  if (aggregate === 'end') {
    // Starts increase, so the window ending latest at or before p is found by a forward sweep.
    let w = 0;
    for (let p = 0; p < seriesLength; p++) {
      while (w + 1 < starts.length && starts[w + 1]! + length - 1 <= p) w++;
      out[p] = windowScores[w]!;
    }
    return out;
  }
  // Difference arrays: O(windows + points) instead of O(windows · length).
  const sum = new Float64Array(seriesLength + 1);
  const count = new Float64Array(seriesLength + 1);
  starts.forEach((s, w) => {
    sum[s]! += windowScores[w]!;
    sum[s + length]! -= windowScores[w]!;
    count[s]! += 1;
    count[s + length]! -= 1;
  });
  let runningSum = 0;
  let runningCount = 0;
  const counts = new Float64Array(seriesLength);
  for (let p = 0; p < seriesLength; p++) {
    runningSum += sum[p]!;
    runningCount += count[p]!;
    counts[p] = runningCount;
    out[p] = runningCount > 0 ? runningSum / runningCount : 0;
  }
  checkCovered(counts, (v) => v === 0);
  return out;
}

/**
 * Per-point scores from per-window, per-step errors: row w of `errors` holds the (squared) error
 * of each step of window w; a point's score is the mean over the windows covering it.
 *
 * @example
 * const perPoint = pointScoresFromErrors(windowPointErrors(windows, recon, 64, channels), starts, series.rows);
 */
export function pointScoresFromErrors(errors: Matrix, starts: readonly number[], seriesLength: number): Float64Array {
  const length = errors.cols;
  checkLayout(errors.rows, starts, length, seriesLength, 'error rows');
  const sum = new Float64Array(seriesLength);
  const count = new Float64Array(seriesLength);
  starts.forEach((s, w) => {
    for (let j = 0; j < length; j++) {
      sum[s + j]! += errors.data[w * length + j]!;
      count[s + j]! += 1;
    }
  });
  checkCovered(count, (v) => v === 0);
  for (let p = 0; p < seriesLength; p++) sum[p]! /= count[p]!;
  return sum;
}

/**
 * Squared reconstruction error of each step of each window, averaged over channels:
 * nWindows × length, the input of `pointScoresFromErrors`.
 *
 * @example
 * const errors = windowPointErrors(windows, reconstructions, 64, series.cols);
 */
export function windowPointErrors(windows: Matrix, reconstructions: Matrix, length: number, channels: number): Matrix {
  if (windows.rows !== reconstructions.rows || windows.cols !== reconstructions.cols) {
    throw new LatentError(
      `window errors: windows are ${windows.rows}×${windows.cols} but reconstructions are ${reconstructions.rows}×${reconstructions.cols}`,
      'pass the model output for exactly these windows',
    );
  }
  if (windows.cols !== length * channels) {
    throw new LatentError(
      `window errors: rows have ${windows.cols} values, not length ${length} × ${channels} channels`,
      'pass the window length and channel count used to cut the windows',
    );
  }
  const data = new Float32Array(windows.rows * length);
  for (let w = 0; w < windows.rows; w++) {
    for (let j = 0; j < length; j++) {
      let s = 0;
      for (let ch = 0; ch < channels; ch++) {
        const i = w * windows.cols + j * channels + ch;
        const e = windows.data[i]! - reconstructions.data[i]!;
        s += e * e;
      }
      data[w * length + j] = s / channels;
    }
  }
  return { data, rows: windows.rows, cols: length };
}

/**
 * First time step of each window `slidingWindows` cuts from `t` steps: every `stride` steps, plus
 * one aligned to the end when the stride would leave the tail uncovered (needs length ≤ t).
 *
 * @example
 * windowStarts(10, 4, 3); // [0, 3, 6]
 */
export function windowStarts(t: number, length: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + length <= t; s += stride) starts.push(s);
  const last = starts[starts.length - 1]!;
  if (last + length < t) starts.push(t - length);
  return starts;
}

function checkLayout(nWindows: number, starts: readonly number[], length: number, seriesLength: number, what: string): void {
  if (nWindows !== starts.length) {
    throw new LatentError(
      `window scores: ${nWindows} ${what} but ${starts.length} window starts`,
      'pass the starts returned by slidingWindows together with the scores of those windows',
    );
  }
  if (!Number.isInteger(length) || length < 1) {
    throw new LatentError(
      `window scores: the window length ${length} must be a whole number ≥ 1`,
      'pass the length used by slidingWindows',
    );
  }
  starts.forEach((s, w) => {
    if (!Number.isInteger(s) || s < 0 || s + length > seriesLength) {
      throw new LatentError(
        `window scores: window ${w} starts at ${s}, so its ${length} steps do not fit in a series of ${seriesLength} points`,
        'pass the series length and window length used by slidingWindows',
      );
    }
  });
}

function checkCovered(values: Float64Array, uncovered: (v: number) => boolean): void {
  const p = values.findIndex(uncovered);
  if (p >= 0) {
    throw new LatentError(
      `window scores: time point ${p} is not covered by any window`,
      'use the starts returned by slidingWindows, which cover every point',
    );
  }
}
