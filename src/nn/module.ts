/**
 * Module: the PyTorch contract. A module registers its parameters and children explicitly;
 * `namedParameters()` and `stateDict()` produce `prefix.name` keys (`encoder.0.weight`), so model
 * files line up with a PyTorch state_dict. `train()`/`eval()` switch stochastic layers.
 */

import type { Tensor } from '../autograd/tensor.js';
import type { Backend } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { formatShape, sameShape } from '../tensor/shape.js';

export abstract class Module {
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownChildren = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  protected registerParameter(name: string, tensor: Tensor): Tensor {
    tensor.requiresGrad = true;
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  /** State that is saved but not trained (running statistics). */
  protected registerBuffer(name: string, tensor: Tensor): Tensor {
    this.ownBuffers.set(name, tensor);
    return tensor;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.ownChildren.set(name, module);
    return module;
  }

  children(): ReadonlyMap<string, Module> {
    return this.ownChildren;
  }

  namedParameters(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [name, p] of this.ownParameters) out.push([prefix + name, p]);
    for (const [name, child] of this.ownChildren) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters and buffers by PyTorch-style key. */
  stateDict(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, p] of this.ownParameters) out.set(prefix + name, p);
    for (const [name, b] of this.ownBuffers) out.set(prefix + name, b);
    for (const [name, child] of this.ownChildren) for (const [k, v] of child.stateDict(`${prefix}${name}.`)) out.set(k, v);
    return out;
  }

  /** Copy values in; every key must exist with the same shape, and none may be missing. */
  loadStateDict(values: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>, source = 'state dict'): void {
    const own = this.stateDict();
    for (const [key, tensor] of own) {
      const value = values.get(key);
      if (!value) throw new LatentError(`${source} has no tensor "${key}"`, 'the file does not belong to a model of this configuration');
      if (!sameShape(value.shape, tensor.shape)) {
        throw new LatentError(
          `${source}: tensor "${key}" has shape ${formatShape(value.shape)}, the model expects ${formatShape(tensor.shape)}`,
        );
      }
      tensor.data.set(value.data);
    }
    for (const key of values.keys()) {
      if (!own.has(key))
        throw new LatentError(`${source} has an unexpected tensor "${key}"`, 'the file does not belong to a model of this configuration');
    }
  }

  /** Move parameters, buffers and gradients to `backend` (no-op for those already there). */
  to(backend: Backend): this {
    for (const tensor of this.stateDict().values()) {
      tensor.moveTo(backend);
      tensor.grad?.moveTo(backend);
    }
    return this;
  }

  train(mode = true): this {
    this.training = mode;
    for (const child of this.ownChildren.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }
}
