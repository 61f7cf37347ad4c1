/**
 * Linear: y = x · Wᵀ + b, weight stored [out, in] as in PyTorch's nn.Linear.
 *
 * Shape: input [batch, in] → output [batch, out].
 */

import { linear } from '../autograd/ops.js';
import { Tensor } from '../autograd/tensor.js';
import type { Activation } from '../backend/backend.js';
import type { Rng } from '../tensor/rng.js';
import { initialize, type Initializer } from './init.js';
import { Module } from './module.js';

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    options: { bias?: boolean; init?: Initializer } = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', initialize(options.init ?? 'glorotUniform', [outFeatures, inFeatures], rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', Tensor.zeros([outFeatures], { persistent: true }));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** Linear followed by an activation in one fused kernel (used by Sequential). */
  forwardActivated(x: Tensor, act: Activation, alpha: number): Tensor {
    return linear(x, this.weight, this.bias, act, alpha);
  }
}
