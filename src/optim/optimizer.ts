/**
 * Optimizer: hyperparameters + per-parameter state + one update function, as in torch.optim.
 * State buffers are persistent tensors on the parameters' backend; `stateTensors()` names them
 * `<index>.<slot>` so checkpoints can store and restore them exactly.
 *
 * Every update is elementwise within one parameter (its own gradient and state only), so a step
 * may update its parameters in any grouping and order with the same bits: `step()` updates all
 * at once; `beginStep()`, `updateParams()` for each group (the trainer calls it from the backward
 * pass as each layer's gradients become final) and `settle()` is the same step. Begun with
 * `{ defer: true }`, an optimizer may hand its updates to the backend to run in the background
 * (Backend.adamGroupDeferred) until `settle()`.
 */

import { noGrad } from '../autograd/tape.js';
import { Tensor } from '../autograd/tensor.js';
import type { Backend } from '../backend/backend.js';
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
  private readonly indexOf: ReadonlyMap<Tensor, number>;
  /** Whether this step's updates may run in the background until `settle()`. */
  protected deferring = false;
  /** The backend holding deferred updates, if any. */
  protected deferredOn: Backend | null = null;

  constructor(
    readonly params: readonly Tensor[],
    lr: number,
  ) {
    if (!(lr > 0)) throw new LatentError(`learning rate ${lr} must be > 0`, 'try 0.001 for Adam or 0.01 for SGD');
    this.lr = lr;
    this.indexOf = new Map(params.map((param, index) => [param, index]));
  }

  /** Apply one update from the parameters' accumulated gradients. */
  step(): void {
    this.beginStep();
    this.updateParams(this.params);
  }

  /**
   * Start a step whose parameters are then updated group by group with `updateParams` (each
   * parameter at most once per step) and finished by `settle()`; the step count, and so Adam's
   * bias correction, moves here. With `defer`, updates may still be running until `settle()`:
   * nothing may read the parameters or their gradients before it.
   */
  beginStep(options: { readonly defer?: boolean } = {}): void {
    this.settle();
    this.steps++;
    this.deferring = options.defer ?? false;
  }

  /**
   * Start the step's deferred updates that still wait, without waiting for them (the trainer
   * calls it after the backward pass, so they run while the next batch is gathered).
   */
  startDeferred(): void {
    this.deferredOn?.startDeferred?.();
  }

  /** Finish the step's deferred updates, if any. */
  settle(): void {
    const backend = this.deferredOn;
    this.deferredOn = null;
    this.deferring = false;
    backend?.settle?.();
  }

  /**
   * Update those of `params` that this optimizer owns and that have a gradient, from that
   * gradient, in one call where the optimizer fuses updates (Adam: one backend job).
   */
  updateParams(params: readonly Tensor[]): void {
    const items: ParamUpdate[] = [];
    for (const param of params) {
      const index = this.indexOf.get(param);
      if (index !== undefined && param.grad) items.push({ index, param, grad: param.grad });
    }
    if (items.length === 0) return;
    noGrad(() => this.updateAll(items));
    // The updates write through `data`, which already moved each version; said again here so
    // that no optimizer can leave a backend's packed copy of a weight (GemmArgs.frozenB) stale.
    for (const { param } of items) param.markChanged();
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
    this.settle();
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
