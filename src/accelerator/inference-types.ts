/**
 * The inference surface both engines offer: latent's own backend (wasm, or js) and ONNX Runtime.
 * Asynchronous because ONNX Runtime runs a session asynchronously; results are the same matrices
 * and scores as `Autoencoder.encode` / `reconstruct` and `AutoencoderDetector.score`, to float32
 * tolerance.
 */

import type { BackendName } from '../backend/registry.js';
import type { Matrix } from '../data/matrix.js';
import type { ScoreMetric } from '../tasks/detector-common.js';

/** How to run inference: `auto` chooses, `ort` insists on ONNX Runtime, `wasm` uses latent's backend. */
export type Accelerator = 'auto' | 'ort' | 'wasm';

export const ACCELERATORS: readonly Accelerator[] = ['auto', 'ort', 'wasm'];

export interface Inference {
  /** What runs the network: `ort` (ONNX Runtime) or latent's backend by name. */
  readonly engine: 'ort' | BackendName;
  /** Threads the network runs on. */
  readonly threads: number;
  /** Latent codes (μ for a VAE), as `Autoencoder.encode`. */
  encode(x: Matrix): Promise<Matrix>;
  /** Reconstructions in the data's units, as `Autoencoder.reconstruct`. */
  reconstruct(x: Matrix): Promise<Matrix>;
  /** One anomaly score per row, as `AutoencoderDetector.score` (default: the detector's metric). */
  score(x: Matrix, metric?: ScoreMetric): Promise<Float64Array>;
  /** Free the engine's native resources (ONNX Runtime sessions); a no-op for latent's backend. */
  close(): Promise<void>;
}
