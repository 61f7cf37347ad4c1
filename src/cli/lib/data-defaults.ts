/**
 * Training defaults read off the data (library gap: belongs in `train/defaults.ts` next to
 * `inUnitInterval` and `chooseLoss`; kept here until it moves).
 *
 * - scaler: `none` when every value already lies in [0, 1], else `standard`;
 * - output activation: sigmoid when the scaled data lies in [0, 1], else identity;
 * - loss: `chooseLoss` (BCE with a sigmoid output on [0, 1] data, else MSE).
 */

import type { Activation } from '../../backend/backend.js';
import type { Matrix } from '../../data/matrix.js';
import { applyScaler, fitScaler, type ScalerKind } from '../../data/scaler.js';
import type { LossName } from '../../losses/reconstruction.js';
import { chooseLoss, inUnitInterval } from '../../train/defaults.js';

/**
 * The scaler to use when none is asked for.
 *
 * @example
 * defaultScale(loadMnist().train.x); // 'none' (pixels already in [0, 1])
 */
export function defaultScale(x: Matrix): ScalerKind {
  return inUnitInterval(x) ? 'none' : 'standard';
}

export interface DataDefaults {
  /** Whether the data, after scaling, lies in [0, 1]. */
  readonly unitInterval: boolean;
  readonly outputActivation: Activation;
}

/**
 * The output activation that suits `x` once scaled with `scale`.
 *
 * @example
 * dataDefaults(x, 'minmax').outputActivation; // 'sigmoid'
 */
export function dataDefaults(x: Matrix, scale: ScalerKind): DataDefaults {
  const scaled = scale === 'none' ? x : applyScaler(fitScaler(scale, x), x);
  const unitInterval = inUnitInterval(scaled);
  return { unitInterval, outputActivation: unitInterval ? 'sigmoid' : 'identity' };
}

/**
 * The loss to use with `outputActivation` on `x` scaled with `scale` (see `chooseLoss`).
 *
 * @example
 * defaultLoss(x, 'none', 'sigmoid'); // 'bce' for pixels in [0, 1]
 */
export function defaultLoss(x: Matrix, scale: ScalerKind, outputActivation: Activation): LossName {
  const scaled = scale === 'none' ? x : applyScaler(fitScaler(scale, x), x);
  return chooseLoss(outputActivation, scaled);
}
