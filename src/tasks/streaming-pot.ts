/**
 * Streaming peaks over threshold: the SPOT algorithm of Siffer et al. ("Anomaly Detection in
 * Streams with Extreme Value Theory", KDD 2017), which keeps learning the tail of the scores while
 * it flags them, so the threshold follows the series it watches instead of staying where a short
 * calibration put it.
 *
 * 1. Initialise from calibration scores: t = their POT_LEVEL quantile (or the one given), the
 *    excesses over t, n = the number of scores.
 * 2. For each new score s, in order: the current threshold is z = t − σ·ln(q·n/N_t), the
 *    exponential tail (σ = mean excess, N_t = number of excesses, q = the risk).
 *    - s > z: flagged, and kept out of the tail (an anomaly must not teach the threshold);
 *    - t < s ≤ z: a new excess; n and N_t grow, σ moves;
 *    - s ≤ t: n grows, so z falls slowly while nothing comes near it.
 *
 * The tail is exponential (γ = 0), not a fitted GPD: the update is then O(1) per score (a running
 * sum), and a GPD refitted on a growing stream of excesses drifted to heavy tails and thresholds
 * that flagged almost nothing (bench/nab.ts). A series whose level rises after training adds
 * excesses, which widens σ and lifts z; one quieter than its calibration lowers z.
 * On a stationary stream the flagged share is a small multiple of the risk (2.4× at 1e-3 on
 * exponential scores, the tests check it): flagged scores stay out of the tail, which thins it.
 * Invariant: z ≥ t, and the state is five numbers, so a model file stores it.
 */

import { LatentError } from '../errors.js';
import { POT_LEVEL } from './pot.js';
import { quantileSorted } from './quantile.js';

/** The state of a streaming tail: everything the threshold depends on. */
export interface StreamingTail {
  /** t: the initial quantile of the calibration scores. */
  readonly level: number;
  /** Sum of the excesses over t seen so far (calibration included). */
  readonly excessSum: number;
  /** N_t: how many excesses. */
  readonly excesses: number;
  /** n: how many scores (calibration included; flagged scores excluded). */
  readonly observed: number;
  /** q: the probability of exceeding the threshold. */
  readonly risk: number;
}

/**
 * The tail of `calibration` scores at `risk`, ready to stream.
 *
 * @example
 * const tail = streamingTail(heldOutScores, 1e-8);
 * tailThreshold(tail); // the threshold before any new score
 */
export function streamingTail(calibration: ArrayLike<number>, risk: number, initialLevel: number = POT_LEVEL): StreamingTail {
  if (calibration.length === 0) {
    throw new LatentError('streaming peaks over threshold needs calibration scores', 'hold out part of the training series');
  }
  const sorted = Float64Array.from(calibration).sort();
  const level = quantileSorted(sorted, initialLevel);
  let excessSum = 0;
  let excesses = 0;
  for (const s of sorted) {
    if (s > level) {
      excessSum += s - level;
      excesses++;
    }
  }
  return { level, excessSum, excesses, observed: sorted.length, risk };
}

/** The current threshold z of a tail (≥ its level t). */
export function tailThreshold(tail: StreamingTail): number {
  return thresholdOf(tail.level, tail.excessSum, tail.excesses, tail.observed, tail.risk);
}

/** z from the tail's numbers (no object per step in the streaming loop). */
function thresholdOf(level: number, excessSum: number, excesses: number, observed: number, risk: number): number {
  if (excesses === 0 || excessSum === 0) return level;
  const ratio = (risk * observed) / excesses;
  if (ratio >= 1) return level;
  const z = level - (excessSum / excesses) * Math.log(ratio);
  return Number.isFinite(z) ? Math.max(z, level) : level;
}

export interface StreamedFlags {
  /** 1 where the score is above the threshold in force at its step. */
  readonly flags: Uint8Array;
  /** The threshold in force at each step. */
  readonly thresholds: Float64Array;
  /** The tail after the last score. */
  readonly tail: StreamingTail;
}

/**
 * Flag `scores` in order, updating the tail with every score that is not flagged.
 *
 * @example
 * const { flags, thresholds } = streamFlags(pointScores, streamingTail(heldOut, 1e-8));
 */
export function streamFlags(scores: ArrayLike<number>, start: StreamingTail): StreamedFlags {
  const flags = new Uint8Array(scores.length);
  const thresholds = new Float64Array(scores.length);
  let { excessSum, excesses, observed } = start;
  const { level, risk } = start;
  let z = tailThreshold(start);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    thresholds[i] = z;
    if (s > z) {
      flags[i] = 1;
      continue;
    }
    observed++;
    if (s > level) {
      excessSum += s - level;
      excesses++;
    }
    z = thresholdOf(level, excessSum, excesses, observed, risk);
  }
  return { flags, thresholds, tail: { level, excessSum, excesses, observed, risk } };
}

/**
 * Check an untrusted stored tail (a model file's metadata) and return it.
 *
 * @example
 * parseStreamingTail(extra.series.tail, 'model.safetensors');
 */
export function parseStreamingTail(value: unknown, source: string): StreamingTail {
  const fail = (why: string): LatentError =>
    new LatentError(`${source}: invalid streaming threshold state: ${why}`, 'the file was edited; fit the scorer again');
  if (typeof value !== 'object' || value === null) throw fail('expected an object');
  const number = (key: keyof StreamingTail, min: number): number => {
    const v: unknown = Reflect.get(value, key);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw fail(`${key} must be a finite number ≥ ${min}`);
    return v;
  };
  const level: unknown = Reflect.get(value, 'level');
  if (typeof level !== 'number' || !Number.isFinite(level)) throw fail('level must be a finite number');
  const tail = {
    level,
    excessSum: number('excessSum', 0),
    excesses: number('excesses', 0),
    observed: number('observed', 1),
    risk: number('risk', 0),
  };
  if (!(tail.risk > 0 && tail.risk < 1)) throw fail('risk must lie in (0, 1)');
  if (tail.excesses > tail.observed) throw fail('more excesses than observed scores');
  return tail;
}
