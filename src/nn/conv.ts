/**
 * Conv2d and ConvTranspose2d, laid out as PyTorch's modules so state dicts line up:
 * Conv2d weight [out, in, kH, kW]; ConvTranspose2d weight [in, out, kH, kW]; bias [out]. No groups.
 *
 * Shape: Conv2d [N, in, H, W] → [N, out, outH, outW], outH = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1;
 * ConvTranspose2d [N, in, H, W] → [N, out, (H − 1)s − 2p + d(k − 1) + outputPadding + 1, ...].
 */

import { conv2d, convTranspose2d, pair, type Pair } from '../autograd/conv.js';
import { Tensor } from '../autograd/tensor.js';
import type { Rng } from '../tensor/rng.js';
import { initialize, type Initializer } from './init.js';
import { Module } from './module.js';

export interface Conv2dLayerOptions {
  readonly stride?: Pair;
  readonly padding?: Pair;
  readonly dilation?: Pair;
  readonly bias?: boolean;
  readonly init?: Initializer;
}

export interface ConvTranspose2dLayerOptions extends Conv2dLayerOptions {
  readonly outputPadding?: Pair;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, rng: Rng, options: Conv2dLayerOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize, 1, 'kernel size', 1);
    this.stride = pair(options.stride, 1, 'stride', 1);
    this.padding = pair(options.padding, 0, 'padding', 0);
    this.dilation = pair(options.dilation, 1, 'dilation', 1);
    this.weight = this.registerParameter('weight', initialize(options.init ?? 'heUniform', [outChannels, inChannels, ...this.kernelSize], rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', Tensor.zeros([outChannels], { persistent: true }));
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }
}

export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly outputPadding: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, rng: Rng, options: ConvTranspose2dLayerOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize, 1, 'kernel size', 1);
    this.stride = pair(options.stride, 1, 'stride', 1);
    this.padding = pair(options.padding, 0, 'padding', 0);
    this.dilation = pair(options.dilation, 1, 'dilation', 1);
    this.outputPadding = pair(options.outputPadding, 0, 'output padding', 0);
    this.weight = this.registerParameter('weight', initialize(options.init ?? 'heUniform', [inChannels, outChannels, ...this.kernelSize], rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', Tensor.zeros([outChannels], { persistent: true }));
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      outputPadding: this.outputPadding,
    });
  }
}
