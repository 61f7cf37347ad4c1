/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015) and AdamW (Loshchilov &
 * Hutter, "Decoupled Weight Decay Regularization", 2019), as in torch.optim:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  θ ← θ − lr·m̂ / (√v̂ + ε)
 * with bias-corrected m̂, v̂. Adam adds λ·θ to g; AdamW multiplies θ by (1 − lr·λ) instead.
 * One fused backend kernel updates a group of parameters (all of them per `step()`, or one
 * layer's as the trainer's backward pass completes it), split across threads; in a deferred step
 * the backend may run it in the background until `settle()`.
 */

import type { Tensor } from '../autograd/tensor.js';
import { Optimizer, type ParamUpdate } from './optimizer.js';

export interface AdamOptions {
  readonly lr?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(params: readonly Tensor[], options: AdamOptions = {}) {
    super(params, options.lr ?? 1e-3);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? this.defaultWeightDecay();
  }

  protected defaultWeightDecay(): number {
    return 0;
  }

  protected update(index: number, param: Tensor, grad: Tensor): void {
    this.updateAll([{ index, param, grad }]);
  }

  /** Every parameter in one backend call (one job split across threads, not one per tensor). */
  protected override updateAll(items: readonly ParamUpdate[]): void {
    if (items.length === 0) return;
    const slots = items.map(({ index, param, grad }) => ({
      param: param.data,
      grad: grad.data,
      m: this.slot(index, 'm', param).data,
      v: this.slot(index, 'v', param).data,
    }));
    const args = {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      decoupled: this.decoupled,
      step: this.steps,
    };
    const backend = items[0]!.param.backend;
    if (this.deferring && backend.adamGroupDeferred) {
      if (this.deferredOn !== backend) this.deferredOn?.settle?.();
      this.deferredOn = backend;
      backend.adamGroupDeferred(slots, args);
    } else {
      backend.adamGroup(slots, args);
    }
  }
}

/** AdamW: decoupled weight decay (default λ = 0.01, as in PyTorch). */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  protected override defaultWeightDecay(): number {
    return 0.01;
  }
}
