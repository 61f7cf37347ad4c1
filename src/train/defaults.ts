/**
 * Defaults taken from the data, so `latent train data.csv` does the sensible thing: BCE for data
 * in [0, 1] with a sigmoid output, MSE otherwise; no scaling for data already in [0, 1], standard
 * scaling otherwise; layer sizes relative to the feature count.
 *
 * - scaler: `none` when every value already lies in [0, 1], else the rule `DEFAULT_SCALING_RULE`
 *   of `SCALING_RULES` (chosen by leave-one-dataset-out in bench/select-defaults.ts);
 * - output activation: sigmoid when the scaled data lies in [0, 1], else identity;
 * - loss: `chooseLoss` (BCE with a sigmoid output on [0, 1] data, else MSE).
 */

import type { Activation } from '../backend/backend.js';
import type { Matrix } from '../data/matrix.js';
import { applyScaler, fitScaler, type ScalerKind } from '../data/scaler.js';
import type { LossName } from '../losses/reconstruction.js';

export function inUnitInterval(x: Matrix): boolean {
  const data = x.data;
  for (let i = 0; i < data.length; i++) if (!(data[i]! >= 0 && data[i]! <= 1)) return false;
  return true;
}

export function chooseLoss(outputActivation: Activation, x: Matrix): LossName {
  return outputActivation === 'sigmoid' && inUnitInterval(x) ? 'bce' : 'mse';
}

/** From this many features on, data count as wide (embeddings, spectra, image rows). */
export const WIDE_FEATURES = 256;

/**
 * Rules that choose the scaling of data not already in [0, 1] (such data is left as it is by
 * every rule: pixels, min–max normalised tables). What each assumes:
 * - `per-column`: columns are in unrelated units (a mixed table: ages, prices, counts), so each
 *   is standardised on its own and every feature weighs the same in the error.
 * - `pooled`: columns share one unit, so they are centred and divided by one common scale
 *   (`standard-pooled`); a column that barely varies on the training rows stays small.
 * - `pooled-when-wide`: wide data (at least `WIDE_FEATURES` columns: embeddings, spectra) share
 *   one unit, narrower data are mixed tables. Standardising hundreds of embedding features one by
 *   one turns the near-constant ones (a ReLU feature that fired on 1 training row in 4,000) into
 *   huge z-scores on new rows, which swamp every error measured on them.
 */
export const SCALING_RULES = {
  'per-column': (): ScalerKind => 'standard',
  pooled: (): ScalerKind => 'standard-pooled',
  'pooled-when-wide': (x: Matrix): ScalerKind => (x.cols >= WIDE_FEATURES ? 'standard-pooled' : 'standard'),
} as const satisfies Readonly<Record<string, (x: Matrix) => ScalerKind>>;

export type ScalingRule = keyof typeof SCALING_RULES;

/** Each rule in a few words, for help texts. */
export const SCALING_RULE_SUMMARY: Readonly<Record<ScalingRule, string>> = {
  'per-column': 'standard',
  pooled: 'standard-pooled',
  'pooled-when-wide': `standard-pooled from ${WIDE_FEATURES} columns on, standard below`,
};
export const SCALING_RULE_NAMES = Object.keys(SCALING_RULES) as ScalingRule[];

/** The rule `defaultScaler` applies, chosen by `npm run bench:defaults` (leave-one-dataset-out). */
export const DEFAULT_SCALING_RULE: ScalingRule = 'pooled-when-wide';

/**
 * Scaling when none is given: data already in [0, 1] (pixels, min-max normalised tables) is left
 * as is; anything else is scaled by `rule` (default `DEFAULT_SCALING_RULE`, see `SCALING_RULES`).
 *
 * @example
 * defaultScaler(loadMnist().train.x); // 'none' (pixels already in [0, 1])
 * defaultScaler(embeddings); // 'standard-pooled' (512 columns of one unit)
 */
export function defaultScaler(x: Matrix, rule: ScalingRule = DEFAULT_SCALING_RULE): ScalerKind {
  return inUnitInterval(x) ? 'none' : SCALING_RULES[rule](x);
}

export interface DataDefaults {
  /** Whether the data, after scaling, lies in [0, 1]. */
  readonly unitInterval: boolean;
  readonly outputActivation: Activation;
}

/** `x` scaled with a `scale` scaler fitted on `x` itself. */
function scaledBy(x: Matrix, scale: ScalerKind): Matrix {
  return scale === 'none' ? x : applyScaler(fitScaler(scale, x), x);
}

/**
 * The output activation that suits `x` once scaled with `scale`.
 *
 * @example
 * dataDefaults(x, 'minmax').outputActivation; // 'sigmoid'
 */
export function dataDefaults(x: Matrix, scale: ScalerKind): DataDefaults {
  const unitInterval = inUnitInterval(scaledBy(x, scale));
  return { unitInterval, outputActivation: unitInterval ? 'sigmoid' : 'identity' };
}

/**
 * The loss to use with `outputActivation` on `x` scaled with `scale` (see `chooseLoss`).
 *
 * @example
 * defaultLoss(x, 'none', 'sigmoid'); // 'bce' for pixels in [0, 1]
 */
export function defaultLoss(x: Matrix, scale: ScalerKind, outputActivation: Activation): LossName {
  return chooseLoss(outputActivation, scaledBy(x, scale));
}

/** Latent size when none is given: about a quarter of the features, at least 2, at most 32. */
export function defaultLatent(features: number): number {
  return Math.max(1, Math.min(32, Math.max(2, Math.round(features / 4)), features - 1));
}

/**
 * Hidden sizes when none are given: one layer halfway (in log scale) between the input and the
 * latent size for small inputs, two for wide ones (≥ 256 features).
 */
export function defaultHidden(features: number, latent: number): number[] {
  if (features <= latent * 2) return [];
  if (features >= WIDE_FEATURES) {
    const first = Math.min(512, Math.round(features / 3));
    return [first, Math.max(latent * 2, Math.round(first / 4))];
  }
  return [Math.max(latent + 1, Math.round(Math.sqrt(features * latent) * 1.5))];
}
