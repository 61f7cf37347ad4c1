/**
 * `auto` once ONNX Runtime pays for the model (auto-policy.ts): every call goes to ONNX Runtime,
 * except encoding a batch of mostly-zero rows with a dense model on the wasm backend, whose
 * sparse GEMM measured as fast or faster there. Both engines agree to float32 tolerance, so the
 * split changes no result beyond it.
 */

import type { Matrix } from '../data/matrix.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { ScoreMetric } from '../tasks/detector-common.js';
import { latentEncodesFaster } from './auto-policy.js';
import type { Inference } from './inference-types.js';

export class AutoInference implements Inference {
  private rowsOnOrt = 0;
  private rowsOnBackend = 0;

  constructor(
    private readonly ort: Inference,
    private readonly backend: Inference,
    private readonly model: Autoencoder,
  ) {}

  /** `ort` unless every row so far went to latent's backend. */
  get engine(): Inference['engine'] {
    return this.rowsOnBackend > 0 && this.rowsOnOrt === 0 ? this.backend.engine : 'ort';
  }

  get threads(): number {
    return this.engine === 'ort' ? this.ort.threads : this.backend.threads;
  }

  encode(x: Matrix): Promise<Matrix> {
    const latent = this.backend.engine === 'wasm' && x.cols === this.model.inputDim && latentEncodesFaster(this.model, this.model.scale(x));
    return latent ? this.counted(this.backend, x).encode(x) : this.counted(this.ort, x).encode(x);
  }

  reconstruct(x: Matrix): Promise<Matrix> {
    return this.counted(this.ort, x).reconstruct(x);
  }

  score(x: Matrix, metric?: ScoreMetric): Promise<Float64Array> {
    return this.counted(this.ort, x).score(x, metric);
  }

  close(): Promise<void> {
    return this.ort.close();
  }

  private counted(engine: Inference, x: Matrix): Inference {
    if (engine === this.ort) this.rowsOnOrt += x.rows;
    else this.rowsOnBackend += x.rows;
    return engine;
  }
}
