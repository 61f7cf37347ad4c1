/**
 * Test data: rows in [0, 1] that lie near a low-dimensional manifold, x = sigmoid(A·z + noise),
 * so a small autoencoder can learn them in a few steps.
 */

import { matrix, type Matrix } from '../../data/matrix.js';
import { Rng } from '../../tensor/rng.js';

export function lowRankRows(rows: number, cols: number, rank: number, seed = 1): Matrix {
  const rng = new Rng(seed);
  const a = Array.from({ length: cols * rank }, () => rng.normal() * 1.5);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: rank }, () => rng.normal());
    for (let c = 0; c < cols; c++) {
      let s = 0.05 * rng.normal();
      for (let k = 0; k < rank; k++) s += a[c * rank + k]! * z[k]!;
      out[r * cols + c] = 1 / (1 + Math.exp(-s));
    }
  }
  return matrix(out, rows, cols);
}
