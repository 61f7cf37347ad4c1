/**
 * `Inference` through ONNX Runtime: the network runs in an `OrtEngine`, and what follows it is
 * latent's own code on the current backend — the output activation and per-sample errors
 * (`Autoencoder.errorOfLogits`), per-feature errors with the combined score (`combinedScoresOf`),
 * the negative ELBO (`VariationalAutoencoder.negativeElboOf`) — so scores agree with latent's
 * own to float32 tolerance by construction, not by a second copy of each formula.
 */

import { noGrad } from '../autograd/tape.js';
import { scope, Tensor } from '../autograd/tensor.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import { VariationalAutoencoder } from '../models/vae.js';
import { combinedScoresOf } from '../tasks/combined-score.js';
import { checkMetric as checkDetectorMetric, elboUnavailable, type ScoreMetric } from '../tasks/detector-common.js';
import type { AutoencoderDetector } from '../tasks/detector.js';
import type { EngineChoice, Inference } from './inference-types.js';
import type { OrtEngine } from './ort-engine.js';

export class OrtInference implements Inference {
  readonly engine = 'ort';

  constructor(
    private readonly ort: OrtEngine,
    private readonly detector: AutoencoderDetector,
  ) {}

  get threads(): number {
    return this.ort.threads;
  }

  async encode(x: Matrix): Promise<Matrix> {
    const { latent } = await this.ort.run({ latent: true }, this.scaled(x));
    return latent!;
  }

  async reconstruct(x: Matrix): Promise<Matrix> {
    const { reconstruction } = await this.ort.run({ decoder: 'reconstruction' }, this.scaled(x));
    return this.detector.model.unscale(reconstruction!);
  }

  async score(x: Matrix, metric: ScoreMetric = this.detector.metric): Promise<Float64Array> {
    const model = this.detector.model;
    checkMetric(metric);
    if (metric === 'combined') {
      const statistics = this.detector.combinedStatistics;
      if (statistics === undefined) {
        throw new LatentError(
          'the combined score has no statistics yet',
          'fit the detector, or call calibrate(normalRows) once: it fits them on those rows',
        );
      }
      const scaled = this.scaled(x);
      const { latent, logits } = await this.ort.run({ latent: true, decoder: 'logits' }, scaled);
      return combinedScoresOf(
        afterNetwork(logits!, scaled, (l, b) => model.featureErrorsOfLogits(l, b)),
        latent!,
        statistics,
      );
    }
    if (metric === 'elbo') {
      if (!(model instanceof VariationalAutoencoder)) throw elboUnavailable(`the ${model.config.kind} model`);
      const scaled = this.scaled(x);
      const { latent, logvar, logits } = await this.ort.run({ latent: true, logvar: true, decoder: 'logits' }, scaled);
      const [mu, spread] = [latent!, logvar!];
      const elbo = afterNetwork(logits!, scaled, (l, b) =>
        model.negativeElboOf(l, Tensor.from(mu.data, [mu.rows, mu.cols]), Tensor.from(spread.data, [mu.rows, mu.cols]), b),
      );
      return Float64Array.from(elbo.data);
    }
    const scaled = this.scaled(x);
    const { logits } = await this.ort.run({ decoder: 'logits' }, scaled);
    return Float64Array.from(afterNetwork(logits!, scaled, (l, b) => model.errorOfLogits(l, b, metric)).data);
  }

  choices(): readonly EngineChoice[] {
    return [];
  }

  close(): Promise<void> {
    return this.ort.close();
  }

  /** `x` in the model's scaled units, after the width check latent's own methods make. */
  private scaled(x: Matrix): Matrix {
    const model = this.detector.model;
    if (x.cols !== model.inputDim) {
      throw new LatentError(
        `input has ${x.cols} features per row, the model expects ${model.inputDim}`,
        'use data with the same columns as the training data',
      );
    }
    return model.scale(x);
  }
}

/** Run `f` on the decoder's logits and the scaled rows as backend tensors; its result as a matrix. */
function afterNetwork(logits: Matrix, scaled: Matrix, f: (logits: Tensor, batch: Tensor) => Tensor): Matrix {
  if (scaled.rows === 0) return matrix(new Float32Array(0), 0, 0);
  return noGrad(() =>
    scope(() => {
      const values = f(
        Tensor.from(logits.data, [logits.rows, logits.cols]),
        Tensor.from(scaled.data, [scaled.rows, scaled.cols]),
      ).toArray();
      return matrix(values, scaled.rows, values.length / scaled.rows);
    }),
  );
}

/** Fail on an unknown metric name from a JavaScript caller, as the detector does. */
function checkMetric(metric: unknown): asserts metric is ScoreMetric {
  checkDetectorMetric(metric);
  if (metric === 'feature')
    throw new LatentError('the feature score is not computed by an accelerator', 'use detector.score(x, "feature")');
}
