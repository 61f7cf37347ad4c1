/**
 * Stochastic layers, active only in training mode and driven by the model's seeded Rng so one
 * seed fixes every mask and every noise sample.
 *
 * Dropout: inverted dropout (kept units scaled by 1/(1-p)), as in PyTorch.
 * GaussianNoise: adds N(0, σ²) noise, as in Keras' GaussianNoise (a denoising-autoencoder input layer).
 */

import { add, mul } from '../autograd/ops.js';
import { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import { Module } from './module.js';

export class Dropout extends Module {
  constructor(
    readonly p: number,
    private readonly rng: Rng,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new LatentError(`dropout rate ${p} is outside [0, 1)`, 'use a rate such as 0.1 or 0.2');
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const mask = Tensor.zeros(x.shape);
    const keep = 1 / (1 - this.p);
    const data = mask.data;
    for (let i = 0; i < data.length; i++) data[i] = this.rng.uniform() < this.p ? 0 : keep;
    return mul(x, mask);
  }
}

export class GaussianNoise extends Module {
  constructor(
    readonly sigma: number,
    private readonly rng: Rng,
  ) {
    super();
    if (!(sigma >= 0)) throw new LatentError(`noise σ ${sigma} must be ≥ 0`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.sigma === 0) return x;
    return add(x, Tensor.randn(x.shape, this.rng, this.sigma));
  }
}
