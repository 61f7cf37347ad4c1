/**
 * MaxPool2d and Upsample, as PyTorch's modules (no parameters, so nothing in the state dict).
 *
 * Shape: MaxPool2d [N, C, H, W] → [N, C, ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1, ...] (stride defaults
 * to the kernel size; ⌈⌉ with ceilMode); Upsample [N, C, H, W] → [N, C, ⌊H·scale⌋, ⌊W·scale⌋].
 */

import { maxPool2d, upsample2d, type MaxPool2dOptions, type UpsampleOptions } from '../autograd/pool.js';
import type { Pair } from '../autograd/conv.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

export class Upsample extends Module {
  constructor(
    readonly scaleFactor: number | readonly [number, number],
    readonly options: UpsampleOptions = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return upsample2d(x, this.scaleFactor, this.options);
  }
}
