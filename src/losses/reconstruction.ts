/**
 * Reconstruction losses. BCE takes logits and fuses the sigmoid (log-sum-exp form), so it stays
 * finite where sigmoid(z) rounds to 0 or 1 — models with a sigmoid output hand their logits here.
 *
 * Reduction 'mean' averages over every element (PyTorch's default); 'sum' adds them up.
 */

import { abs, bceWithLogits, bceWithLogitsMean, mean, scale, square, sub, sum, sumCols } from '../autograd/ops.js';
import type { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';

export const LOSS_NAMES = ['mse', 'mae', 'bce'] as const;
export type LossName = (typeof LOSS_NAMES)[number];
export type Reduction = 'mean' | 'sum';

export function parseLoss(text: string): LossName {
  const key = text.toLowerCase();
  if ((LOSS_NAMES as readonly string[]).includes(key)) return key as LossName;
  throw new LatentError(`unknown loss "${text}"`, `use one of: ${LOSS_NAMES.join(', ')}`);
}

/** Elementwise loss terms of `output` (logits for bce) against `target`. */
export function elementwiseLoss(loss: LossName, output: Tensor, target: Tensor): Tensor {
  switch (loss) {
    case 'mse':
      return square(sub(output, target));
    case 'mae':
      return abs(sub(output, target));
    case 'bce':
      return bceWithLogits(output, target);
  }
}

/** Scalar loss. */
export function reconstructionLoss(loss: LossName, output: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  // Loss and gradient in one pass, with no array of loss terms.
  if (loss === 'bce' && reduction === 'mean') return bceWithLogitsMean(output, target);
  const terms = elementwiseLoss(loss, output, target);
  return reduction === 'mean' ? mean(terms) : sum(terms);
}

/** Per-sample loss, averaged over each row's features: shape [batch]. */
export function perSampleLoss(loss: LossName, output: Tensor, target: Tensor): Tensor {
  return scale(sumCols(elementwiseLoss(loss, output, target)), 1 / output.cols);
}
