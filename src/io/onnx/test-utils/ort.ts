/**
 * Test helpers: run exported bytes in ONNX Runtime (the oracle), give a model random but
 * reproducible weights (freshly built models have zero biases, which would hide mistakes), and
 * draw random rows.
 */

import ort from 'onnxruntime-node';
import { matrix, type Matrix } from '../../../data/matrix.js';
import type { Module } from '../../../nn/module.js';
import { Rng } from '../../../tensor/rng.js';

/** Run `bytes` on `x` fed as `input`; returns every output by name as a matrix of `x.rows` rows. */
export async function runOrt(bytes: Uint8Array, x: Matrix): Promise<Record<string, Matrix>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const results = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]) });
    const out: Record<string, Matrix> = {};
    for (const [name, tensor] of Object.entries(results)) {
      const data = tensor.data;
      if (!(data instanceof Float32Array)) throw new Error(`output ${name} is not float32`);
      out[name] = matrix(Float32Array.from(data), x.rows, data.length / x.rows);
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Overwrite every parameter and statistic of `module` with seeded random values (variances > 0). */
export function randomizeWeights(module: Module, seed: number): void {
  const rng = new Rng(seed);
  for (const [key, t] of module.stateDict()) {
    if (key.endsWith('num_batches_tracked')) continue;
    const variance = key.endsWith('running_var');
    for (let i = 0; i < t.data.length; i++) t.data[i] = variance ? 0.5 + rng.uniform() : 0.4 * rng.normal();
  }
}

/** `rows` rows of standard-normal values times `scale`. */
export function randomRows(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const rng = new Rng(seed);
  return matrix(
    Float32Array.from({ length: rows * cols }, () => scale * rng.normal()),
    rows,
    cols,
  );
}

/** Largest absolute value (the scale the tolerance is stated against). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}
