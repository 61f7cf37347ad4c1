/**
 * SGD with momentum, Nesterov momentum and L2 weight decay, following torch.optim.SGD:
 *   g ← g + λ·θ;  b ← μ·b + g;  step = nesterov ? g + μ·b : b;  θ ← θ − lr·step.
 */

import type { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';
import { Optimizer } from './optimizer.js';

export interface SgdOptions {
  readonly lr?: number;
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
}

export class Sgd extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: readonly Tensor[], options: SgdOptions = {}) {
    super(params, options.lr ?? 0.01);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (this.nesterov && this.momentum <= 0) throw new LatentError('Nesterov momentum needs momentum > 0', 'set momentum, e.g. 0.9');
  }

  protected update(index: number, param: Tensor, grad: Tensor): void {
    const backend = param.backend;
    let g = grad.data;
    if (this.weightDecay !== 0) {
      const decayed = this.slot(index, 'scratch', param).data;
      backend.axpy(g, this.weightDecay, param.data, decayed);
      g = decayed;
    }
    if (this.momentum !== 0) {
      const buffer = this.slot(index, 'momentum', param).data;
      backend.affine(buffer, this.momentum, 0, buffer);
      backend.binary('add', buffer, g, buffer);
      if (this.nesterov) {
        const look = this.slot(index, 'scratch', param).data;
        backend.axpy(g, this.momentum, buffer, look);
        g = look;
      } else {
        g = buffer;
      }
    }
    backend.axpy(param.data, -this.lr, g, param.data);
  }
}
