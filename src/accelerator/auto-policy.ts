/**
 * When `auto` runs a model in ONNX Runtime rather than latent's wasm backend. Measured by
 * bench/accelerator.ts (paired, interleaved rounds; BENCHMARKS.md has the table).
 */

import type { Autoencoder } from '../models/autoencoder.js';

/** Weights in the model below which latent's backend measured as fast as ONNX Runtime or faster. */
export const ORT_MIN_WEIGHTS = 100_000;

/** Whether ONNX Runtime measured faster than latent's wasm backend for `model` on `threads` threads. */
export function ortPays(model: Autoencoder, _threads: number): boolean {
  return model.parameterCount() >= ORT_MIN_WEIGHTS;
}
