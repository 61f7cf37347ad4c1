/**
 * When `auto` runs a model in ONNX Runtime rather than latent's wasm backend: the rule measured by
 * bench/accelerator.ts (paired, interleaved rounds, Node 24; BENCHMARKS.md has the table).
 *
 * - Small models stay on latent: at 1k weights ONNX Runtime ran at 0.5–1.0× (its per-call cost
 *   dominates); at 70k weights it ran 1.1–2.2× on 1 thread but 0.8–1.1× on 2; at W1's 0.9M it ran
 *   1.1–2.3× on both. Hence a weight count from which it pays, higher with more threads.
 * - Encoding mostly-zero inputs stays on latent: the wasm GEMM skips zeros of its left operand
 *   below 0.4 non-zeros (backend/wasm), and W1 encoding MNIST digits (0.19 non-zeros) ran at
 *   0.6–0.95× through ONNX Runtime. Scoring runs the dense decoder too, and ONNX Runtime still won
 *   there (1.1–2.1×), so only `encode` looks at the rows.
 */

import type { Matrix } from '../data/matrix.js';
import type { Autoencoder } from '../models/autoencoder.js';

/** Weights from which ONNX Runtime measured faster on 1 thread. */
export const ORT_MIN_WEIGHTS = 50_000;
/** Weights from which it measured faster on 2 threads or more. */
export const ORT_MIN_WEIGHTS_THREADED = 500_000;
/** Share of non-zero inputs at or below which latent's wasm backend encodes as fast or faster. */
export const SPARSE_INPUT_DENSITY = 0.4;

/** Whether ONNX Runtime measured faster than latent's wasm backend for `model` on `threads` threads. */
export function ortPays(model: Autoencoder, threads: number): boolean {
  return model.parameterCount() >= (threads > 1 ? ORT_MIN_WEIGHTS_THREADED : ORT_MIN_WEIGHTS);
}

/** Whether the scaled rows `x` are sparse enough for latent's wasm backend to encode them faster. */
export function sparseInput(x: Matrix): boolean {
  let nonZeros = 0;
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== 0) nonZeros++;
  return nonZeros <= SPARSE_INPUT_DENSITY * x.data.length;
}
