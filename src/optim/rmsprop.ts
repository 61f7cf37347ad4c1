/**
 * RMSprop (Hinton, Coursera lecture 6e), as torch.optim.RMSprop without centering:
 *   v ← α·v + (1−α)·g²;  θ ← θ − lr·g / (√v + ε), with optional momentum on the step.
 */

import type { Tensor } from '../autograd/tensor.js';
import { Optimizer } from './optimizer.js';

export interface RmspropOptions {
  readonly lr?: number;
  readonly alpha?: number;
  readonly eps?: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
}

export class Rmsprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weightDecay: number;

  constructor(params: readonly Tensor[], options: RmspropOptions = {}) {
    super(params, options.lr ?? 0.01);
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-8;
    this.momentum = options.momentum ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
  }

  protected update(index: number, param: Tensor, grad: Tensor): void {
    const backend = param.backend;
    const g = this.slot(index, 'scratch', param).data;
    backend.axpy(grad.data, this.weightDecay, param.data, g);
    const v = this.slot(index, 'square_avg', param).data;
    const step = this.slot(index, 'step', param).data;
    // v = α·v + (1−α)·g²
    backend.unary('square', g, step);
    backend.affine(v, this.alpha, 0, v);
    backend.axpy(v, 1 - this.alpha, step, v);
    // step = g / (√v + ε)
    backend.unary('sqrt', v, step);
    backend.affine(step, 1, this.eps, step);
    backend.binary('div', g, step, step);
    if (this.momentum > 0) {
      const buffer = this.slot(index, 'momentum', param).data;
      backend.affine(buffer, this.momentum, 0, buffer);
      backend.binary('add', buffer, step, buffer);
      backend.axpy(param.data, -this.lr, buffer, param.data);
    } else {
      backend.axpy(param.data, -this.lr, step, param.data);
    }
  }
}
