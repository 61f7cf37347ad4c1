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
import { combinedTerms, fitCombinedStatistics } from '../src/tasks/combined-score.js';
import type { AutoencoderDetector } from '../src/tasks/detector.js';
import { quantileSorted } from '../src/tasks/threshold.js';

export const SCORE_VARIANTS = ['mse', 'featureNorm', 'latent', 'mseLatent', 'combined'] as const;
export type ScoreVariant = (typeof SCORE_VARIANTS)[number];

/**
 * Every variant's scores of the rows of `x` from a fitted detector. The two terms come from the
 * library's combined score, with its statistics fitted on `x` as the detector fits them.
 */
export function candidateScores(detector: AutoencoderDetector, x: Matrix): Record<ScoreVariant, Float64Array> {
  const mse = detector.score(x, 'mse');
  const { error: featureNorm, distance: latent } = combinedTerms(detector.model, x, fitCombinedStatistics(detector.model, x));
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

function byMedian(s: Float64Array): Float64Array {
  const median = quantileSorted(Float64Array.from(s).sort(), 0.5);
  const d = median > 0 ? median : 1;
  return s.map((v) => v / d);
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]!);
}
