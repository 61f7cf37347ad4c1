/**
 * Tensor: a shape over backend storage, plus what reverse mode needs (requiresGrad, grad, the
 * tape node that made it).
 *
 * Memory ownership is hidden from users. A tensor made inside `scope()` is released when the scope
 * ends unless the scope returns it; a tensor made outside any scope is released by the garbage
 * collector (FinalizationRegistry); `persistent` tensors (parameters, optimizer state) live until
 * `dispose()`. Views (`view`, `rowsView`) share their base's storage and never release it themselves.
 */

import { getBackend } from '../backend/registry.js';
import type { Backend } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { assertValidShape, formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { TapeNode } from './tape.js';

interface ScopeFrame {
  readonly made: Tensor[];
}

const scopes: ScopeFrame[] = [];
const collector = new FinalizationRegistry<{ backend: Backend; data: Float32Array }>(({ backend, data }) => backend.release(data));

export interface TensorOptions {
  readonly requiresGrad?: boolean;
  /** Outlives scopes (parameters, optimizer state, gradients of parameters). */
  readonly persistent?: boolean;
}

export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf tensor after `backward()`. */
  grad: Tensor | null = null;
  /** The tape node that produced this tensor, when it was recorded. */
  node: TapeNode | null = null;
  private storage: Float32Array | null;
  private home: Backend;
  private readonly owner: boolean;
  private persistent: boolean;
  /** The tensor whose storage this view shares (its writes count there); null for an owner. */
  private readonly base: Tensor | null;
  /** Hand-outs of the storage for writing (see `version`); a view counts on its base. */
  private writes = 0;

  private constructor(
    shape: Shape,
    data: Float32Array,
    backend: Backend,
    owner: boolean,
    options: TensorOptions,
    base: Tensor | null = null,
  ) {
    this.base = base;
    this.shape = shape;
    this.size = data.length;
    this.storage = data;
    this.home = backend;
    this.owner = owner;
    this.requiresGrad = options.requiresGrad ?? false;
    this.persistent = options.persistent ?? false;
    if (!owner) return;
    if (options.persistent) return;
    const frame = scopes[scopes.length - 1];
    if (frame) frame.made.push(this);
    else collector.register(this, { backend, data }, this);
  }

  /** Zero-filled tensor on the current backend. */
  static zeros(shape: Shape, options: TensorOptions = {}): Tensor {
    assertValidShape(shape);
    const backend = getBackend();
    return new Tensor([...shape], backend.alloc(sizeOf(shape)), backend, true, options);
  }

  /**
   * Tensor whose storage may hold old values: only for outputs a kernel overwrites entirely
   * (zero-filling them first would be wasted memory traffic).
   */
  static empty(shape: Shape, options: TensorOptions = {}): Tensor {
    assertValidShape(shape);
    const backend = getBackend();
    return new Tensor([...shape], backend.alloc(sizeOf(shape), true), backend, true, options);
  }

  /** Tensor holding a copy of `values`. */
  static from(values: ArrayLike<number>, shape: Shape, options: TensorOptions = {}): Tensor {
    if (values.length !== sizeOf(shape)) {
      throw new LatentError(`${values.length} values do not fill a tensor of shape ${formatShape(shape)}`);
    }
    const tensor = Tensor.empty(shape, options);
    tensor.data.set(values);
    return tensor;
  }

  static full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
    const tensor = Tensor.empty(shape, options);
    tensor.data.fill(value);
    return tensor;
  }

  /** Normal(mean, std) samples from `rng`. */
  static randn(shape: Shape, rng: Rng, std = 1, options: TensorOptions = {}): Tensor {
    const tensor = Tensor.zeros(shape, options);
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    return tensor;
  }

  /** Uniform(lo, hi) samples from `rng`. */
  static uniform(shape: Shape, rng: Rng, lo: number, hi: number, options: TensorOptions = {}): Tensor {
    const tensor = Tensor.zeros(shape, options);
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * rng.uniform();
    return tensor;
  }

  /**
   * Backend storage, which the caller may write: every hand-out changes `version`. Throws if the
   * tensor was released (a bug in latent, never a user error).
   */
  get data(): Float32Array {
    const storage = this.readData();
    (this.base ?? this).writes++;
    return storage;
  }

  /**
   * The storage for reading only: unlike `data` it leaves `version` as it is, so a backend's
   * packed copy of this tensor stays valid. Never write through it.
   */
  readData(): Float32Array {
    if (this.storage === null) throw new Error(`tensor of shape ${formatShape(this.shape)} used after release`);
    return this.storage;
  }

  /**
   * Changes whenever the values may have changed: on every hand-out of `data` (which is how
   * latent writes: optimizer steps, loading, rollbacks), through views too, and on `moveTo`.
   * Backends reuse packed copies of a weight while it stays the same (GemmArgs.frozenB), so code
   * that keeps the array from `data` and writes into it later must call `markChanged()` after.
   */
  get version(): number {
    return (this.base ?? this).writes;
  }

  /** Count a write into the values made through an array obtained earlier (see `version`). */
  markChanged(): void {
    (this.base ?? this).writes++;
  }

  /** The backend that owns this tensor's storage. */
  get backend(): Backend {
    return this.home;
  }

  /**
   * Move the storage to `backend` (copying the values), like PyTorch's `.to(device)`. The tensor
   * object stays the same, so optimizers and modules keep their references.
   */
  moveTo(backend: Backend): void {
    if (backend === this.home || this.storage === null) return;
    if (!this.owner) throw new Error('cannot move a view; move its base tensor');
    const moved = backend.alloc(this.size);
    moved.set(this.storage);
    collector.unregister(this);
    this.home.forgetOperand?.(this);
    this.writes++;
    this.home.release(this.storage);
    this.storage = moved;
    this.home = backend;
    if (!this.persistent && !scopes.some((frame) => frame.made.includes(this))) {
      collector.register(this, { backend, data: moved }, this);
    }
  }

  get rows(): number {
    return this.shape[0] ?? 1;
  }

  /** Size of one row (product of all but the first dimension). */
  get cols(): number {
    return this.shape.length === 0 ? 1 : this.size / (this.shape[0] || 1);
  }

  /** A view with another shape over the same storage (no copy). */
  view(shape: Shape): Tensor {
    if (sizeOf(shape) !== this.size) {
      throw new LatentError(`cannot view a tensor of shape ${formatShape(this.shape)} as ${formatShape(shape)}`);
    }
    return new Tensor([...shape], this.readData(), this.backend, false, {}, this.base ?? this);
  }

  /**
   * A view of rows `start .. start + count` (along the first dimension) over the same storage, no
   * copy. Like `view`, it never releases the storage: its base must outlive it.
   */
  rowsView(start: number, count: number): Tensor {
    const rows = this.shape.length === 0 ? 0 : this.rows;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > rows) {
      throw new LatentError(`rows ${start}..${start + count} are outside a tensor of shape ${formatShape(this.shape)}`);
    }
    const cols = this.cols;
    const values = this.readData().subarray(start * cols, (start + count) * cols);
    return new Tensor([count, ...this.shape.slice(1)], values, this.backend, false, {}, this.base ?? this);
  }

  /** A copy of the values, detached from the backend. */
  toArray(): Float32Array {
    return this.data.slice();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs one element, tensor has shape ${formatShape(this.shape)}`);
    return this.data[0]!;
  }

  /** A persistent copy (for values kept across steps, such as best weights). */
  clone(options: TensorOptions = {}): Tensor {
    const copy = Tensor.zeros(this.shape, options);
    copy.data.set(this.data);
    return copy;
  }

  /**
   * Turn a tensor made in a scope (or left to the garbage collector) into a persistent one, so a
   * gradient computed inside a training step can become a parameter's `.grad` without a copy.
   * Returns false, changing nothing, for a view or a tensor that is already persistent: the
   * caller copies instead.
   */
  adoptAsPersistent(): boolean {
    if (!this.owner || this.persistent || this.storage === null) return false;
    this.persistent = true;
    // The enclosing scope skips persistent tensors when it ends; the collector must not free it.
    collector.unregister(this);
    return true;
  }

  /** Whether the tensor outlives scopes (parameters, optimizer state, adopted gradients). */
  get isPersistent(): boolean {
    return this.persistent;
  }

  /** Release the storage now. Only needed for persistent tensors; scopes handle the rest. */
  dispose(): void {
    if (this.storage === null || !this.owner) return;
    collector.unregister(this);
    this.home.forgetOperand?.(this);
    this.backend.release(this.storage);
    this.storage = null;
  }

  get released(): boolean {
    return this.storage === null;
  }
}

/**
 * Run `fn` and release every tensor it made, except the tensors in its result (a tensor, or an
 * array/object of tensors one level deep). The trainer wraps each step in a scope, so memory
 * stays flat over epochs without any call from users.
 */
export function scope<T>(fn: () => T): T {
  const frame: ScopeFrame = { made: [] };
  scopes.push(frame);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const keep = new Set<Tensor>(tensorsIn(result));
  const parent = scopes[scopes.length - 1];
  for (const tensor of frame.made) {
    // Adopted after it was made (adoptAsPersistent): its new owner releases it.
    if (tensor.isPersistent) continue;
    if (keep.has(tensor)) {
      // A kept tensor now belongs to the enclosing scope (or to the garbage collector).
      if (parent) parent.made.push(tensor);
      else if (!tensor.released) collector.register(tensor, { backend: tensor.backend, data: tensor.data }, tensor);
      continue;
    }
    tensor.node = null;
    tensor.dispose();
  }
  return result;
}

function tensorsIn(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.filter((v): v is Tensor => v instanceof Tensor);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).filter((v): v is Tensor => v instanceof Tensor);
  }
  return [];
}
