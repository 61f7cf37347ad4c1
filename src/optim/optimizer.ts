/**
 * Optimizer: hyperparameters + per-parameter state + one update function, as in torch.optim.
 * State buffers are persistent tensors on the parameters' backend; `stateTensors()` names them
 * `<index>.<slot>` so checkpoints can store and restore them exactly.
 */

import { noGrad } from '../autograd/tape.js';
import { Tensor } from '../autograd/tensor.js';
import { LatentError } from '../errors.js';

/** A parameter due for an update: its index in `params`, the tensor and its gradient. */
export interface ParamUpdate {
  readonly index: number;
  readonly param: Tensor;
  readonly grad: Tensor;
}

export abstract class Optimizer {
  /** Current learning rate (schedules change it between epochs). */
  lr: number;
  /** Number of completed steps. */
  steps = 0;
  private readonly slots = new Map<string, Tensor>();

  constructor(
    readonly params: readonly Tensor[],
    lr: number,
  ) {
    if (!(lr > 0)) throw new LatentError(`learning rate ${lr} must be > 0`, 'try 0.001 for Adam or 0.01 for SGD');
    this.lr = lr;
  }

  /** Apply one update from the parameters' accumulated gradients. */
  step(): void {
    this.steps++;
    const items: ParamUpdate[] = [];
    this.params.forEach((param, index) => {
      if (param.grad) items.push({ index, param, grad: param.grad });
    });
    noGrad(() => this.updateAll(items));
  }

  /** Update every parameter that has a gradient; one `update` each unless an optimizer fuses them. */
  protected updateAll(items: readonly ParamUpdate[]): void {
    for (const { index, param, grad } of items) this.update(index, param, grad);
  }

  /**
   * Drop the gradients, as PyTorch's `zero_grad()` (set_to_none): the next backward writes fresh
   * ones instead of adding into zero-filled buffers, one pass over each instead of two.
   * Parameters that then receive no gradient are skipped by `step`.
   */
  zeroGrad(): void {
    for (const param of this.params) {
      param.grad?.dispose();
      param.grad = null;
    }
  }

  protected abstract update(index: number, param: Tensor, grad: Tensor): void;

  /** A zero-initialised state buffer for parameter `index`, created on first use. */
  protected slot(index: number, name: string, like: Tensor): Tensor {
    const key = `${index}.${name}`;
    let tensor = this.slots.get(key);
    if (!tensor) {
      tensor = Tensor.zeros(like.shape, { persistent: true });
      this.slots.set(key, tensor);
    }
    return tensor;
  }

  stateTensors(): ReadonlyMap<string, Tensor> {
    return this.slots;
  }

  /** Release the state buffers (the trainer calls this when training ends). */
  dispose(): void {
    for (const tensor of this.slots.values()) tensor.dispose();
    this.slots.clear();
  }

  loadStateTensors(values: ReadonlyMap<string, Float32Array>, steps: number): void {
    for (const [key, data] of values) {
      const [index, name] = key.split('.') as [string, string];
      const param = this.params[Number(index)];
      if (!param || param.size !== data.length) throw new LatentError(`optimizer state "${key}" does not match the model`);
      this.slot(Number(index), name, param).data.set(data);
    }
    this.steps = steps;
  }
}
