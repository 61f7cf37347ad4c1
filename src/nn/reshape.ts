/**
 * Shape-only layers (no parameters, no copies): Flatten keeps the batch axis and joins the rest,
 * as torch.nn.Flatten(); Reshape views each sample as `shape`, as torch.nn.Unflatten(1, shape).
 *
 * Shape: Flatten [N, ...] → [N, prod(...)]; Reshape [N, prod(shape)] → [N, ...shape].
 */

import { reshape } from '../autograd/ops.js';
import type { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Module } from './module.js';

export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.rows, x.cols]);
  }
}

export class Reshape extends Module {
  readonly shape: Shape;

  constructor(shape: Shape) {
    super();
    this.shape = [...shape];
  }

  forward(x: Tensor): Tensor {
    if (x.cols !== sizeOf(this.shape)) {
      throw new LatentError(
        `Reshape: a sample of shape ${formatShape(x.shape.slice(1))} (${x.cols} values) cannot be viewed as ${formatShape(this.shape)}`,
      );
    }
    return reshape(x, [x.rows, ...this.shape]);
  }
}
