/**
 * PackedOperands: weights kept packed in the wasm heap between products, so that an inference
 * pass does not repack the same weight for every batch (the equal of oneDNN's and ONNX Runtime's
 * prepacked weights).
 *
 * Invalidation rule: a copy is reused only while its operand's `version` is the one it was packed
 * at and the operand still lies at the same place in the heap. Tensors change `version` on every
 * hand-out of their storage for writing (`Tensor.data`, which every write path of latent goes
 * through: optimizer steps, deferred Adam updates as they are queued, loadStateDict and
 * checkpoint restores, the trainer's rollbacks, user code), on `markChanged()` and on `moveTo`;
 * products read weights through `readData()`, which leaves it alone. A version counter was chosen
 * over a frozen-model object because `encode`/`score` on the model itself then gain, with no new
 * API to learn, and a write through any path can never be missed by forgetting to refreeze.
 * Deferred (background) optimizer updates are finished before a copy is packed (the caller's
 * `settle`), so a copy never holds a half-updated weight.
 *
 * Lifetime: one copy per operand and kind of packing (the mostly-zero-input path's slivers, the
 * dense path's panels: a weight whose inputs change density keeps both instead of repacking in
 * turn; a later shape replaces a kind's copy), held in a WeakMap and
 * freed when the operand's storage is released or moved (`forget`, from Tensor.dispose/moveTo)
 * or, for an operand dropped without either, when the garbage collector takes it. The copies are
 * heap blocks like any tensor's, so they keep working when the memory grows; together they take
 * at most KEPT_SHARE of the memory's limit (a fixed-size memory must keep room for activations),
 * and a weight that does not fit is packed for each call as before.
 *
 * Only products that do not record gradients pass their weight as frozen (ops.linear under
 * noGrad): a training step, whose weights change every step, packs inside its kernels as before,
 * never twice.
 */

import type { VersionedOperand } from '../backend.js';
import type { WasmHeap } from './heap.js';

interface PackedEntry {
  /** The packed copy (a heap block), or null once freed. */
  packed: Float32Array | null;
  version: number;
  /** Byte offset and length of the operand's storage when packed. */
  source: number;
  length: number;
  /** What the copy holds (shape, transpose), e.g. `512×784ᵀ`. */
  layout: string;
}

/** Share of the heap's limit that kept copies may take (16–64 MiB of a fixed-size memory, 256 MiB of the shared one). */
const KEPT_SHARE = 1 / 8;

/** The packing routines a copy can come from. */
export type PackKind = 'slivers' | 'panels';

export class PackedOperands {
  private readonly entries = new WeakMap<VersionedOperand, Map<PackKind, PackedEntry>>();
  /** Frees the copies of an operand that was collected without being released or moved. */
  private readonly collector = new FinalizationRegistry<Map<PackKind, PackedEntry>>((kinds) => this.freeAll(kinds));
  /** Copies packed since the backend started (tests check that a stale copy is repacked). */
  packs = 0;
  /** Floats held by kept copies now. */
  private keptFloats = 0;

  constructor(private readonly heap: WasmHeap) {}

  /**
   * The `kind` copy of `operand` (whose storage is `source`) in `layout`, `floats` long: the kept
   * one when still valid, else packed now by `pack(copy)` (after `beforePack()`, which finishes
   * writes still running in the background) and kept. Null when the heap has no room for the
   * copy (a fixed-size memory near its end): the caller then packs for the call, as without it.
   */
  get(
    operand: VersionedOperand,
    source: Float32Array,
    kind: PackKind,
    layout: string,
    floats: number,
    beforePack: () => void,
    pack: (copy: Float32Array) => void,
  ): Float32Array | null {
    const at = this.heap.pointer(source);
    let kinds = this.entries.get(operand);
    let entry = kinds?.get(kind);
    if (
      entry?.packed &&
      entry.version === operand.version &&
      entry.source === at &&
      entry.length === source.length &&
      entry.layout === layout
    ) {
      return entry.packed;
    }
    beforePack();
    if (kinds === undefined) {
      kinds = new Map();
      this.entries.set(operand, kinds);
      this.collector.register(operand, kinds, kinds);
    }
    if (entry === undefined) {
      entry = { packed: null, version: -1, source: at, length: source.length, layout };
      kinds.set(kind, entry);
    }
    if (entry.packed === null || entry.packed.length !== floats) {
      this.free(entry);
      if ((this.keptFloats + floats) * 4 > KEPT_SHARE * this.heap.maxBytes) return null;
      try {
        entry.packed = this.heap.alloc(floats, true);
      } catch {
        return null;
      }
      this.keptFloats += floats;
    }
    // Marked stale while packing: a pack that throws leaves nothing that looks valid.
    entry.version = -1;
    pack(entry.packed);
    Object.assign(entry, { version: operand.version, source: at, length: source.length, layout });
    this.packs++;
    return entry.packed;
  }

  /** Free the copies kept for `operand`, if any. */
  forget(operand: VersionedOperand): void {
    const kinds = this.entries.get(operand);
    if (kinds === undefined) return;
    this.entries.delete(operand);
    this.collector.unregister(kinds);
    this.freeAll(kinds);
  }

  private freeAll(kinds: Map<PackKind, PackedEntry>): void {
    for (const entry of kinds.values()) this.free(entry);
  }

  private free(entry: PackedEntry): void {
    if (entry.packed === null) return;
    this.keptFloats -= entry.packed.length;
    this.heap.release(entry.packed);
    entry.packed = null;
  }
}
