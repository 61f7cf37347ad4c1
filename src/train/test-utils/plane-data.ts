/**
 * Test data for the training tests: points near a 2-D plane in 6-D, which an autoencoder with a
 * latent size of 2 can reconstruct well. Seeded, so every run sees the same rows.
 */

import { matrix, type Matrix } from '../../data/matrix.js';
import { Rng } from '../../tensor/rng.js';

/** `rows` points on a random 2-D plane in 6-D plus Gaussian noise of standard deviation `noise`. */
export function planeData(rows: number, seed = 1, noise = 0.01): Matrix {
  const rng = new Rng(seed);
  const basis = Array.from({ length: 2 }, () => Array.from({ length: 6 }, () => rng.normal()));
  const out = new Float32Array(rows * 6);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    for (let c = 0; c < 6; c++) out[r * 6 + c] = a * basis[0]![c]! + b * basis[1]![c]! + noise * rng.normal();
  }
  return matrix(out, rows, 6);
}
