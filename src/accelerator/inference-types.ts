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

/** An engine that runs the network: `ort` (ONNX Runtime) or latent's backend by name. */
export type EngineName = 'ort' | BackendName;

/**
 * How a class of calls chose its engine. `measured`: both engines were timed and the class runs
 * on the faster (the other runs one call each time the class's call count doubles, and takes over
 * if it was faster); `measuring`: its calls still alternate; `rule`: each call follows the fixed rule
 * (batches too small to time, ONNX Runtime unavailable, or calls that kept overlapping).
 */
export type ChoiceBasis = 'measuring' | 'measured' | 'rule';

/**
 * What `auto` chose for one class of calls: a kind of call and a batch-size bucket (more than
 * half of `maxRows` rows, up to it).
 */
export interface EngineChoice {
  /** `encode`, `reconstruct`, or `score <metric>`. */
  readonly call: string;
  /** The bucket's largest batch: a power of two. */
  readonly maxRows: number;
  readonly by: ChoiceBasis;
  /** The engine the class runs on from now; undefined while measuring, or when each call follows the rule. */
  readonly engine: EngineName | undefined;
  /** Rows per second of each engine's fastest timed call (warm-up calls excluded). */
  readonly rowsPerSecond: Partial<Record<EngineName, number>>;
  /** Rows each engine ran in this class. */
  readonly rows: Partial<Record<EngineName, number>>;
}

export interface Inference {
  /**
   * What runs the network: `ort` (ONNX Runtime) or latent's backend by name. Under `auto`, the
   * engine that ran the most rows so far (ONNX Runtime on a tie), or before any call the rule's guess.
   */
  readonly engine: EngineName;
  /** Threads the network runs on. */
  readonly threads: number;
  /** Latent codes (μ for a VAE), as `Autoencoder.encode`. */
  encode(x: Matrix): Promise<Matrix>;
  /** Reconstructions in the data's units, as `Autoencoder.reconstruct`. */
  reconstruct(x: Matrix): Promise<Matrix>;
  /** One anomaly score per row, as `AutoencoderDetector.score` (default: the detector's metric). */
  score(x: Matrix, metric?: ScoreMetric): Promise<Float64Array>;
  /** What `auto` measured and chose, per class of call in the order first seen; empty for a pinned engine. */
  choices(): readonly EngineChoice[];
  /** Free the engine's native resources (ONNX Runtime sessions); a no-op for latent's backend. */
  close(): Promise<void>;
}
