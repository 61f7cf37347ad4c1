/**
 * The Numenta Anomaly Benchmark's score of a detector's flags on one series (Lavin & Ahmad,
 * "Evaluating Real-time Anomaly Detection Algorithms – the Numenta Anomaly Benchmark", 2015),
 * with its `standard` profile: A_TP = 1, A_FP = −0.11, A_FN = −1, A_TN = 0.
 *
 * - σ(y) = 2 / (1 + e^(5y)) − 1 (the scaled sigmoid), and −1 when y > 3.
 * - A flag inside a labelled window [l, r] at row i sits at y = −(r − i + 1)/(r − l + 1) (−1 at the
 *   window's first row, near 0 at its last) and is worth A_TP · σ(y)/σ(−1): early detection
 *   earns up to 1. Only the best (that is, the first) flag of a window counts; a window with no
 *   flag costs A_FN.
 * - A flag outside every window costs |A_FP| · σ(y) with y = (i − r)/(w − 1) for the nearest
 *   preceding window (right edge r, w rows), so a flag just after a window costs almost nothing;
 *   before any window it costs the full |A_FP|.
 * - Rows before `probation` (NAB: the first 15% of the series) are not scored.
 * - Normalised: 100 · (raw − null)/(perfect − null), where the null detector flags nothing
 *   (raw = −A_FN · windows) and the perfect one flags each window's first row (raw = windows).
 *   Undefined for a series without windows, whose raw score alone says how much its flags cost.
 */

import { LatentError } from '../errors.js';

/** Weights of a NAB profile (all given as magnitudes; FP and FN are penalties). */
export interface NabProfile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export const NAB_STANDARD: NabProfile = { tp: 1, fp: 0.11, fn: 1 };

export interface NabResult {
  /** Sum of the window scores and the false-positive penalties. */
  readonly raw: number;
  /** Raw score of a detector that flags nothing. */
  readonly nullScore: number;
  /** Raw score of a detector that flags the first row of every window, and nothing else. */
  readonly perfect: number;
  /** 100 · (raw − null)/(perfect − null), or undefined without windows. */
  readonly normalized?: number;
  /** Windows with at least one flag, windows without, and flags outside every window. */
  readonly detected: number;
  readonly missed: number;
  readonly falsePositives: number;
}

/** NAB's scaled sigmoid of a relative position. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

/**
 * NAB score of 0/1 `flags` against labelled `windows` ([first, last] row indices, inclusive,
 * ascending and disjoint).
 *
 * @example
 * nabScore(flags, [[100, 140]], { probation: 60 }).normalized; // 97.3 for a flag at row 101
 */
export function nabScore(
  flags: ArrayLike<number>,
  windows: readonly (readonly [number, number])[],
  options: { readonly probation?: number; readonly profile?: NabProfile } = {},
): NabResult {
  const profile = options.profile ?? NAB_STANDARD;
  const probation = options.probation ?? 0;
  checkWindows(windows, flags.length);
  const maxTp = scaledSigmoid(-1);
  // Windows that end inside the probation period are not scored (their rows are not).
  const scored = windows.filter(([, r]) => r >= probation);
  const best = new Float64Array(scored.length).fill(-Infinity);
  let fpPenalty = 0;
  let falsePositives = 0;
  let w = 0;
  let previous: readonly [number, number] | undefined;
  const all = windows.length;
  let k = 0;
  for (let i = 0; i < flags.length; i++) {
    while (k < all && windows[k]![1] < i) previous = windows[k++];
    const inside = k < all && windows[k]![0] <= i ? windows[k]! : undefined;
    if (i < probation || flags[i] !== 1) continue;
    if (inside !== undefined) {
      while (w < scored.length && scored[w] !== inside) w++;
      const [l, r] = inside;
      const score = (profile.tp * scaledSigmoid(-(r - i + 1) / (r - l + 1))) / maxTp;
      best[w] = Math.max(best[w]!, score);
    } else {
      falsePositives++;
      const y = previous === undefined ? Infinity : (i - previous[1]) / Math.max(1, previous[1] - previous[0]);
      fpPenalty += profile.fp * scaledSigmoid(y);
    }
  }
  let raw = fpPenalty;
  let detected = 0;
  for (const b of best) {
    if (b === -Infinity) raw -= profile.fn;
    else {
      detected++;
      raw += Math.max(b, -profile.fn);
    }
  }
  const nullScore = -profile.fn * scored.length;
  const perfect = profile.tp * scored.length;
  return {
    raw,
    nullScore,
    perfect,
    ...(scored.length === 0 ? {} : { normalized: (100 * (raw - nullScore)) / (perfect - nullScore) }),
    detected,
    missed: scored.length - detected,
    falsePositives,
  };
}

function checkWindows(windows: readonly (readonly [number, number])[], n: number): void {
  let end = -1;
  windows.forEach(([l, r], i) => {
    if (!(Number.isInteger(l) && Number.isInteger(r) && l > end && l <= r && r < n)) {
      throw new LatentError(
        `NAB score: window ${i} [${l}, ${r}] is not inside the ${n} rows, ascending and apart from the one before`,
        'pass labelled windows as [first, last] row indices in time order',
      );
    }
    end = r;
  });
}
