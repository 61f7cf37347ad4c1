/**
 * `Inference` on latent's own backend (wasm, or js): the model's and detector's methods as they
 * are, behind the asynchronous surface the ONNX Runtime engine shares.
 */

import { getBackend } from '../backend/registry.js';
import type { Matrix } from '../data/matrix.js';
import type { ScoreMetric } from '../tasks/detector-common.js';
import type { AutoencoderDetector } from '../tasks/detector.js';
import type { EngineChoice, Inference } from './inference-types.js';

export class BackendInference implements Inference {
  readonly engine = getBackend().name;
  readonly threads = getBackend().threads;

  constructor(private readonly detector: AutoencoderDetector) {}

  async encode(x: Matrix): Promise<Matrix> {
    return this.detector.model.encode(x);
  }

  async reconstruct(x: Matrix): Promise<Matrix> {
    return this.detector.model.reconstruct(x);
  }

  async score(x: Matrix, metric: ScoreMetric = this.detector.metric): Promise<Float64Array> {
    return this.detector.score(x, metric);
  }

  choices(): readonly EngineChoice[] {
    return [];
  }

  async close(): Promise<void> {}
}
