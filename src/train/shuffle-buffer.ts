/**
 * The shuffle buffer of streamed training: blocks of rows go in, batches come out, shuffled within
 * the buffer and scaled on the way. Browser-safe.
 *
 * One pass does the work of three: each held row is scaled and written straight to its shuffled
 * place (the inverse of a seeded permutation) in an output array, and batches are views of that
 * array, so a row is copied once between the file and the step's tensor. Two output arrays take
 * turns: rows left over by one drain (fewer than a batch) are read from one array while the next
 * drain writes the other.
 *
 * Invariants: the rows of a drain come out in the order `rng.permutation(rows)` gives over
 * (carried rows, then the held blocks' kept rows in arrival order), exactly as if they were first
 * concatenated; a yielded batch is valid until the next one is asked for (its memory is then
 * reused); scaling is `(x - offset) * scale` rounded to float32, as `applyScaler` computes it.
 */

import { matrix, type Matrix } from '../data/matrix.js';
import type { Scaler } from '../data/scaler.js';
import type { Rng } from '../tensor/rng.js';

/** Rows of one block that go into the buffer: all of them, or those at `keep`. */
export interface HeldBlock {
  readonly x: Matrix;
  /** Row indices within `x` to take (ascending); null for every row. */
  readonly keep: Uint32Array | null;
}

export class ShuffleBuffer {
  private readonly cols: number;
  private readonly offset: Float64Array | null;
  private readonly scale: Float64Array | null;
  private blocks: HeldBlock[] = [];
  private held = 0;
  /** Rows left over by the last drain (already scaled), a view of one of the output arrays. */
  private carry: Float32Array;
  private carryRows = 0;
  private readonly outputs: [Float32Array, Float32Array];
  private turn = 0;

  /** `scaler` null leaves values as they are. */
  constructor(cols: number, scaler: Scaler | null) {
    this.cols = cols;
    this.offset = scaler === null ? null : Float64Array.from(scaler.offset);
    this.scale = scaler === null ? null : Float64Array.from(scaler.scale);
    this.carry = new Float32Array(0);
    this.outputs = [new Float32Array(0), new Float32Array(0)];
  }

  /** Rows waiting in the buffer (carried and held). */
  get rows(): number {
    return this.carryRows + this.held;
  }

  add(block: HeldBlock): void {
    const rows = block.keep === null ? block.x.rows : block.keep.length;
    if (rows === 0) return;
    this.blocks.push(block);
    this.held += rows;
  }

  /**
   * The buffer's rows in batches of `batchSize`, shuffled by `rng` when given. Unless `final`,
   * rows that do not fill a last batch stay in the buffer for the next drain.
   */
  *drain(batchSize: number, rng: Rng | null, final: boolean): Generator<Matrix> {
    const { cols } = this;
    const rows = this.rows;
    const out = this.output(rows * cols);
    const inverse = rng === null ? null : inversePermutation(rng.permutation(rows));
    let row = 0;
    for (let r = 0; r < this.carryRows; r++, row++) {
      const to = (inverse === null ? row : inverse[row]!) * cols;
      const from = r * cols;
      for (let c = 0; c < cols; c++) out[to + c] = this.carry[from + c]!;
    }
    for (const block of this.blocks) row = this.scatter(block, out, inverse, row);
    this.blocks = [];
    this.held = 0;
    const full = final ? rows : rows - (rows % batchSize);
    for (let start = 0; start < full; start += batchSize) {
      const end = Math.min(full, start + batchSize);
      yield matrix(out.subarray(start * cols, end * cols), end - start, cols);
    }
    this.carry = out.subarray(full * cols, rows * cols);
    this.carryRows = rows - full;
  }

  /** Write the kept rows of `block` (scaled) to their places in `out`; returns the next row number. */
  private scatter(block: HeldBlock, out: Float32Array, inverse: Uint32Array | null, row: number): number {
    const { cols, offset, scale } = this;
    const { x, keep } = block;
    const data = x.data;
    const count = keep === null ? x.rows : keep.length;
    for (let i = 0; i < count; i++, row++) {
      const from = (keep === null ? i : keep[i]!) * cols;
      const to = (inverse === null ? row : inverse[row]!) * cols;
      if (offset === null || scale === null) {
        for (let c = 0; c < cols; c++) out[to + c] = data[from + c]!;
      } else {
        for (let c = 0; c < cols; c++) out[to + c] = (data[from + c]! - offset[c]!) * scale[c]!;
      }
    }
    return row;
  }

  /** The output array whose turn it is, grown to `values` when needed (the other holds the carry). */
  private output(values: number): Float32Array {
    this.turn ^= 1;
    let out = this.outputs[this.turn]!;
    if (out.length < values) {
      out = new Float32Array(values);
      this.outputs[this.turn] = out;
    }
    return out;
  }
}

/** `inverse[order[i]] = i`: where each source row goes. */
function inversePermutation(order: Uint32Array): Uint32Array {
  const inverse = new Uint32Array(order.length);
  for (let i = 0; i < order.length; i++) inverse[order[i]!] = i;
  return inverse;
}
