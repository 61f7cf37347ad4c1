/**
 * latent side of the W2 benchmark: conv-mnist training through the public API on a given backend,
 * timed per epoch without data loading.
 */

import { setBackend, type Backend } from '../src/backend/index.js';
import { matrix } from '../src/data/matrix.js';
import { ConvAutoencoder, convConfig } from '../src/models/index.js';
import { fit } from '../src/train/index.js';
import type { Contender } from './interleave.js';
import { epochTrainer } from './latent-runner.js';
import { W2 } from './workloads-w2.js';

/** The W2 model: convChannels 32,64, 3x3 stride 2 padding 1, latent 32, ReLU, sigmoid output. */
export function buildW2(seed = 1): ConvAutoencoder {
  return new ConvAutoencoder(
    convConfig({
      channels: 1,
      height: W2.height,
      width: W2.width,
      convChannels: [...W2.convChannels],
      kernel: W2.kernel,
      stride: W2.stride,
      padding: W2.padding,
      latentDim: W2.latent,
      activation: 'relu',
      outputActivation: 'sigmoid',
      seed,
    }),
  );
}

/** Samples/s of W2 training epochs over `rows` samples; one rate per epoch. */
export async function latentTrainW2(backend: Backend, data: Float32Array, rows: number, reps: number): Promise<number[]> {
  setBackend(backend);
  const model = buildW2();
  const inputDim = W2.height * W2.width;
  const x = matrix(data.subarray(0, rows * inputDim), rows, inputDim);
  const rates: number[] = [];
  await fit(model, x, {
    epochs: reps,
    batchSize: W2.batchSize,
    validationSplit: 0,
    loss: 'bce',
    optimizer: { name: 'adam', lr: W2.lr },
    onEpochEnd: (log) => void rates.push(rows / log.seconds),
  });
  return rates;
}

/** W2 training on `rows` samples: each repetition trains one more epoch of the same model. */
export function latentW2Trainer(system: string, backend: Backend, data: Float32Array, rows: number): Contender {
  setBackend(backend);
  const inputDim = W2.height * W2.width;
  const x = matrix(data.subarray(0, rows * inputDim), rows, inputDim);
  return epochTrainer(system, backend, buildW2(), x, {
    batchSize: W2.batchSize,
    validationSplit: 0,
    loss: 'bce',
    optimizer: { name: 'adam', lr: W2.lr },
  });
}
