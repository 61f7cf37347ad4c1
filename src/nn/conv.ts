/**
 * Conv2d and ConvTranspose2d, laid out as PyTorch's modules so state dicts line up:
 * Conv2d weight [out, in, kH, kW]; ConvTranspose2d weight [in, out, kH, kW]; bias [out]. No groups.
 *
 * Shape: Conv2d [N, in, H, W] → [N, out, outH, outW], outH = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1;
 * ConvTranspose2d [N, in, H, W] → [N, out, (H − 1)s − 2p + d(k − 1) + outputPadding + 1, ...].
 * `forwardActivated` runs the layer and the activation after it with the bias and activation in
 * one pass (Sequential uses it for a conv layer directly followed by an Activation).
 */

import { channelActivation } from '../autograd/channel-activation.js';
import { conv2d, convTranspose2d, pair, type Pair } from '../autograd/conv.js';
import { Tensor } from '../autograd/tensor.js';
import type { Activation } from '../backend/backend.js';
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

/**
 * What Conv2d and ConvTranspose2d share: the checked geometry and the parameters. The weight is
 * [out, in, kH, kW] for a convolution and [in, out, kH, kW] for a transposed one, as in PyTorch.
 */
export abstract class ConvLayer2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];

  protected constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    rng: Rng,
    options: Conv2dLayerOptions,
    transposed: boolean,
  ) {
    super();
    this.kernelSize = pair(kernelSize, 1, 'kernel size', 1);
    this.stride = pair(options.stride, 1, 'stride', 1);
    this.padding = pair(options.padding, 0, 'padding', 0);
    this.dilation = pair(options.dilation, 1, 'dilation', 1);
    const channels = transposed ? [inChannels, outChannels] : [outChannels, inChannels];
    this.weight = this.registerParameter('weight', initialize(options.init ?? 'heUniform', [...channels, ...this.kernelSize], rng));
    this.bias = options.bias === false ? null : this.registerParameter('bias', Tensor.zeros([outChannels], { persistent: true }));
  }

  /** The layer without its bias (the activation pass adds it). */
  protected abstract forwardUnbiased(x: Tensor): Tensor;

  /** act(layer(x)), with the bias added in the activation's pass. */
  forwardActivated(x: Tensor, act: Activation, alpha: number): Tensor {
    return channelActivation(this.forwardUnbiased(x), this.bias, act, alpha);
  }
}

export class Conv2d extends ConvLayer2d {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, rng: Rng, options: Conv2dLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, rng, options, false);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  protected forwardUnbiased(x: Tensor): Tensor {
    return conv2d(x, this.weight, null, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }
}

export class ConvTranspose2d extends ConvLayer2d {
  readonly outputPadding: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, rng: Rng, options: ConvTranspose2dLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, rng, options, true);
    this.outputPadding = pair(options.outputPadding, 0, 'output padding', 0);
  }

  forward(x: Tensor): Tensor {
    return this.transposed(x, this.bias);
  }

  protected forwardUnbiased(x: Tensor): Tensor {
    return this.transposed(x, null);
  }

  private transposed(x: Tensor, bias: Tensor | null): Tensor {
    return convTranspose2d(x, this.weight, bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      outputPadding: this.outputPadding,
    });
  }
}
