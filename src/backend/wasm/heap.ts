/**
 * WasmHeap: the one shared WebAssembly.Memory that holds every tensor of the wasm backend, with a
 * size-class pooled allocator over a bump region.
 *
 * Invariants:
 * - Byte 0 .. RESERVED_BYTES is never handed out, so pointer 0 can mean "no array".
 * - Every block starts on a 64-byte boundary (cache line; v128 loads never straddle two lines
 *   needlessly, and threads writing different blocks never share a line).
 * - A block's size class is a pure function of its length, so `release` needs no header.
 * - Memory only grows. After a grow, views made earlier on a shared memory stay valid (it keeps
 *   its address range); an unshared memory detaches its old buffer, so callers must not keep
 *   views across allocations there (the single-thread fallback for hosts without
 *   SharedArrayBuffer — see WasmBackend).
 */

import { LatentError } from '../../errors.js';
import { requireWasmApi, type WasmMemory } from './wasm-api.js';

const PAGE_BYTES = 65536;
/** Bytes at the start of memory never handed out: pointer 0 means "no array", and the kernels keep their constants here. */
export const RESERVED_BYTES = 65536;
const ALIGN = 64;

/** Bytes a block of `length` floats occupies: 64-byte steps up to 4 KiB, then 8 classes per doubling. */
export function classBytes(length: number): number {
  const bytes = Math.max(ALIGN, Math.ceil((length * 4) / ALIGN) * ALIGN);
  if (bytes <= 4096) return bytes;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class WasmHeap {
  readonly memory: WasmMemory;
  private readonly maxPages: number;
  private buffer: ArrayBufferLike;
  /** Every buffer object this memory has had; views on any of them belong to this heap. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top = RESERVED_BYTES;
  private readonly free = new Map<number, number[]>();
  /** Live block pointer → its class size. */
  private readonly live = new Map<number, number>();

  /** `shared` memory can be used by worker threads; it needs SharedArrayBuffer support. */
  constructor(initialPages: number, maxPages: number, shared = true) {
    this.maxPages = maxPages;
    this.memory = new (requireWasmApi().Memory)({ initial: initialPages, maximum: maxPages, shared });
    this.buffer = this.memory.buffer;
    this.buffers.add(this.buffer);
  }

  /** Zero-filled view of `length` floats, from the pool when a block of its class is free. */
  alloc(length: number, uninitialized = false): Float32Array {
    if (!Number.isInteger(length) || length < 0) {
      throw new LatentError(`cannot allocate a tensor of ${length} elements`, 'lengths are whole numbers ≥ 0');
    }
    const bytes = classBytes(length);
    const reused = this.free.get(bytes)?.pop();
    const ptr = reused ?? this.bump(bytes);
    this.live.set(ptr, bytes);
    const view = new Float32Array(this.buffer, ptr, length);
    // Fresh blocks come from zeroed memory; reused ones hold old values.
    if (reused !== undefined && !uninitialized) view.fill(0);
    return view;
  }

  /** Return a block to its pool. Throws on a view this heap did not hand out or already took back. */
  release(view: Float32Array): void {
    const ptr = this.pointer(view);
    const bytes = this.live.get(ptr);
    if (bytes === undefined || bytes !== classBytes(view.length)) {
      throw new Error(`wasm heap: release of a buffer that is not live (offset ${ptr}, length ${view.length})`);
    }
    this.live.delete(ptr);
    let list = this.free.get(bytes);
    if (!list) this.free.set(bytes, (list = []));
    list.push(ptr);
  }

  /** Permanent, zeroed, untracked storage (control blocks, scratch) of at least `bytes`. */
  reserve(bytes: number): number {
    return this.bump(Math.ceil(bytes / ALIGN) * ALIGN);
  }

  liveBlocks(): number {
    return this.live.size;
  }

  /** Bytes the memory may grow to. */
  get maxBytes(): number {
    return this.maxPages * PAGE_BYTES;
  }

  /** Bytes handed out so far by the bump region (live plus pooled blocks). */
  usedBytes(): number {
    return this.top;
  }

  /** Byte offset of a view into this heap; throws a clear error for foreign storage. */
  pointer(view: Float32Array): number {
    if (!this.buffers.has(view.buffer)) {
      throw new LatentError(
        'a tensor passed to the wasm backend was not allocated by it',
        'create tensors after choosing the backend (initBackend), or copy them into new tensors',
      );
    }
    return view.byteOffset;
  }

  /** Views of raw memory (for control blocks); valid forever since memory never shrinks. */
  int32View(ptr: number, length: number): Int32Array {
    return new Int32Array(this.buffer, ptr, length);
  }

  float64View(ptr: number, length: number): Float64Array {
    return new Float64Array(this.buffer, ptr, length);
  }

  private bump(bytes: number): number {
    const ptr = this.top;
    const end = ptr + bytes;
    if (end > this.buffer.byteLength) this.grow(end);
    this.top = end;
    return ptr;
  }

  private grow(endBytes: number): void {
    const pages = this.buffer.byteLength / PAGE_BYTES;
    const needed = Math.ceil(endBytes / PAGE_BYTES);
    if (needed > this.maxPages) {
      throw new LatentError(
        `the wasm backend ran out of memory: it needs ${(endBytes / 2 ** 20).toFixed(0)} MiB, ` +
          `its limit is ${(this.maxPages * PAGE_BYTES) / 2 ** 20} MiB`,
        'use smaller batches or a smaller model, or the js backend (--backend js)',
      );
    }
    // Grow by at least half again, so a training run settles after a few grows.
    const target = Math.min(this.maxPages, Math.max(needed, Math.ceil(pages * 1.5)));
    this.memory.grow(target - pages);
    this.buffer = this.memory.buffer;
    this.buffers.add(this.buffer);
  }
}
