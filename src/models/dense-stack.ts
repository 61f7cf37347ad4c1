/**
 * The layer list of a dense stack, as torch.nn.Sequential would hold it: Linear, then its
 * activation module (omitted for identity), then Dropout on hidden layers. Shared by the dense-based
 * families so their state-dict keys read the same (`encoder.0.weight`, `encoder.2.weight`, ...).
 */

import type { Activation as ActivationName } from '../backend/backend.js';
import { Activation } from '../nn/activations.js';
import { initializerFor } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { Dropout } from '../nn/stochastic.js';
import type { Rng } from '../tensor/rng.js';

/**
 * Linear layers through `widths`; hidden ones get `act` (+ dropout), the last gets `last`.
 *
 * @example
 * new Sequential(denseLayers([784, 128, 32], 'relu', 'identity', 0, rng, noiseRng)); // 784→128→32
 */
export function denseLayers(
  widths: readonly number[],
  act: ActivationName,
  last: ActivationName,
  dropout: number,
  rng: Rng,
  noiseRng: Rng,
): Module[] {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const isLast = i + 2 === widths.length;
    const layerAct = isLast ? last : act;
    layers.push(new Linear(widths[i]!, widths[i + 1]!, rng, { init: initializerFor(layerAct) }));
    if (layerAct !== 'identity') layers.push(new Activation(layerAct));
    if (!isLast && dropout > 0) layers.push(new Dropout(dropout, noiseRng));
  }
  return layers;
}
