/**
 * RowSequential: a Sequential that takes and returns rows. Its input [N, prod(inputShape)] is
 * viewed as [N, ...inputShape] before the first layer, and its output is flattened back to
 * [N, ·]. This lets image and sequence networks sit inside an autoencoder whose API works on
 * flat rows, while the children stay named "0", "1", ... exactly as the torch.nn.Sequential that
 * would take [N, ...inputShape] tensors.
 */

import { reshape } from '../autograd/ops.js';
import type { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

export class RowSequential extends Sequential {
  readonly inputShape: Shape;

  constructor(layers: Module[], inputShape: Shape) {
    super(layers);
    this.inputShape = [...inputShape];
  }

  override forward(x: Tensor): Tensor {
    if (x.cols !== sizeOf(this.inputShape)) {
      throw new LatentError(
        `input rows have ${x.cols} values, the network expects ${sizeOf(this.inputShape)} (a sample of shape ${formatShape(this.inputShape)})`,
      );
    }
    const y = super.forward(reshape(x, [x.rows, ...this.inputShape]));
    return y.shape.length === 2 ? y : reshape(y, [y.rows, y.cols]);
  }
}
