/**
 * Defaults taken from the data, so `latent train data.csv` does the sensible thing: BCE for data
 * in [0, 1] with a sigmoid output, MSE otherwise; layer sizes relative to the feature count.
 */

import type { Activation } from '../backend/backend.js';
import type { Matrix } from '../data/matrix.js';
import type { LossName } from '../losses/reconstruction.js';

export function inUnitInterval(x: Matrix): boolean {
  const data = x.data;
  for (let i = 0; i < data.length; i++) if (!(data[i]! >= 0 && data[i]! <= 1)) return false;
  return true;
}

export function chooseLoss(outputActivation: Activation, x: Matrix): LossName {
  return outputActivation === 'sigmoid' && inUnitInterval(x) ? 'bce' : 'mse';
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
