/**
 * Column statistics in one streaming pass: count, mean, variance (float64, merged chunk by chunk
 * with Chan et al.'s parallel update, which stays accurate where the naive sum of squares cancels),
 * minimum and maximum. Browser-safe. What the scalers and quality measures need from data that is
 * read once, in chunks.
 */

import type { Matrix } from './matrix.js';

export class RunningMoments {
  count = 0;
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean, per column. */
  readonly m2: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;

  constructor(readonly cols: number) {
    this.mean = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
    this.min = new Float64Array(cols).fill(Infinity);
    this.max = new Float64Array(cols).fill(-Infinity);
  }

  /**
   * Add the rows of `x`.
   *
   * @example
   * const moments = new RunningMoments(30);
   * for await (const chunk of source.chunks()) moments.add(chunk.x);
   */
  add(x: Matrix): void {
    const n = x.rows;
    if (n === 0) return;
    const { cols, data } = x;
    const chunkMean = new Float64Array(cols);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < cols; c++) {
        const v = data[r * cols + c]!;
        chunkMean[c]! += v;
        if (v < this.min[c]!) this.min[c] = v;
        if (v > this.max[c]!) this.max[c] = v;
      }
    }
    for (let c = 0; c < cols; c++) chunkMean[c]! /= n;
    const chunkM2 = new Float64Array(cols);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < cols; c++) {
        const d = data[r * cols + c]! - chunkMean[c]!;
        chunkM2[c]! += d * d;
      }
    }
    const total = this.count + n;
    for (let c = 0; c < cols; c++) {
      const delta = chunkMean[c]! - this.mean[c]!;
      this.mean[c]! += (delta * n) / total;
      this.m2[c]! += chunkM2[c]! + (delta * delta * this.count * n) / total;
    }
    this.count = total;
  }

  /** Population variance per column (divided by the count). */
  variance(): Float64Array {
    return this.m2.map((m) => (this.count === 0 ? 0 : m / this.count));
  }
}
