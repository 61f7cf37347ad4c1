/**
 * Conv1d and ConvTranspose1d over [N, C, L] sequences, as PyTorch's modules: weights
 * [out, in, k] and [in, out, k]. They run as the 2-D ops on images of height 1 (the weight is
 * viewed [·, ·, 1, k], so gradients reach the 3-D parameter through the view).
 *
 * Shape: Conv1d [N, in, L] → [N, out, ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1];
 * ConvTranspose1d [N, in, L] → [N, out, (L − 1)s − 2p + d(k − 1) + outputPadding + 1].
 */

import { conv2d, convTranspose2d } from '../autograd/conv.js';
import { reshape } from '../autograd/ops.js';
import { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Rng } from '../tensor/rng.js';
import { initialize, type Initializer } from './init.js';
import { Module } from './module.js';

export interface Conv1dLayerOptions {
  readonly stride?: number;
  readonly padding?: number;
  readonly dilation?: number;
  readonly bias?: boolean;
  readonly init?: Initializer;
}

export interface ConvTranspose1dLayerOptions extends Conv1dLayerOptions {
  readonly outputPadding?: number;
}

/** [N, C, L] viewed as [N, C, 1, L]. */
function asImages(op: string, x: Tensor): Tensor {
  if (x.shape.length !== 3) throw new LatentError(`${op}: input must be 3-D [batch, channels, length], got shape ${formatShape(x.shape)}`);
  const [n, c, l] = x.shape;
  return reshape(x, [n!, c!, 1, l!]);
}

/** [N, C, 1, L] back to [N, C, L]. */
function asSequences(y: Tensor): Tensor {
  const [n, c, , l] = y.shape;
  return reshape(y, [n!, c!, l!]);
}

export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    rng: Rng,
    readonly options: Conv1dLayerOptions = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', initialize(options.init ?? 'heUniform', [outChannels, inChannels, kernelSize], rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', Tensor.zeros([outChannels], { persistent: true }));
  }

  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1 } = this.options;
    const w = reshape(this.weight, [this.outChannels, this.inChannels, 1, this.kernelSize]);
    return asSequences(
      conv2d(asImages('Conv1d', x), w, this.bias, { stride: [1, stride], padding: [0, padding], dilation: [1, dilation] }),
    );
  }
}

export class ConvTranspose1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    rng: Rng,
    readonly options: ConvTranspose1dLayerOptions = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', initialize(options.init ?? 'heUniform', [inChannels, outChannels, kernelSize], rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', Tensor.zeros([outChannels], { persistent: true }));
  }

  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1, outputPadding = 0 } = this.options;
    const w = reshape(this.weight, [this.inChannels, this.outChannels, 1, this.kernelSize]);
    return asSequences(
      convTranspose2d(asImages('ConvTranspose1d', x), w, this.bias, {
        stride: [1, stride],
        padding: [0, padding],
        dilation: [1, dilation],
        outputPadding: [0, outputPadding],
      }),
    );
  }
}
