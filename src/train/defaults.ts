/**
 * Defaults taken from the data, so `latent train data.csv` does the sensible thing: BCE for data
 * in [0, 1] with a sigmoid output, MSE otherwise; no scaling for data already in [0, 1], standard
 * scaling otherwise; layer sizes relative to the feature count.
 *
 * - scaler: `none` when every value already lies in [0, 1], else `standard`;
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

/**
 * Scaling when none is given: data already in [0, 1] (pixels, min-max normalised tables) is left
 * as is, anything else is standardised so every feature weighs the same in the error.
 *
 * @example
 * defaultScaler(loadMnist().train.x); // 'none' (pixels already in [0, 1])
 */
export function defaultScaler(x: Matrix): ScalerKind {
  return inUnitInterval(x) ? 'none' : 'standard';
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
  if (features >= 256) {
    const first = Math.min(512, Math.round(features / 3));
    return [first, Math.max(latent * 2, Math.round(first / 4))];
  }
  return [Math.max(latent + 1, Math.round(Math.sqrt(features * latent) * 1.5))];
}
