/**
 * latent side of the benchmark: W1 training and W3 encoding through the public API, on a given
 * backend, timed without data loading.
 */

import { setBackend, type Backend } from '../src/backend/index.js';
import { matrix } from '../src/data/matrix.js';
import { DenseAutoencoder, denseConfig } from '../src/models/index.js';
import { fit } from '../src/train/index.js';
import { W1, W3 } from './workloads.js';

function buildW1(): DenseAutoencoder {
  return new DenseAutoencoder(
    denseConfig({
      inputDim: W1.input,
      hidden: [...W1.encoder],
      latentDim: W1.latent,
      activation: 'relu',
      outputActivation: 'sigmoid',
      seed: 1,
    }),
  );
}

/** Samples/s of W1 training epochs over `rows` samples; one rate per epoch. */
export async function latentTrainW1(backend: Backend, data: Float32Array, rows: number, reps: number): Promise<number[]> {
  setBackend(backend);
  const model = buildW1();
  const x = matrix(data.subarray(0, rows * W1.input), rows, W1.input);
  const rates: number[] = [];
  await fit(model, x, {
    epochs: reps,
    batchSize: W1.batchSize,
    loss: 'bce',
    optimizer: { name: 'adam', lr: W1.lr },
    onEpochEnd: (log) => void rates.push(rows / log.seconds),
  });
  return rates;
}

/** Samples/s of W3 encoding. */
export function latentEncodeW3(backend: Backend, data: Float32Array, reps: number): number[] {
  setBackend(backend);
  const model = buildW1();
  const rates: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const start = performance.now();
    for (let b = 0; b < W3.samples; b += W3.batchSize) {
      model.encode(matrix(data.subarray(b * W1.input, (b + W3.batchSize) * W1.input), W3.batchSize, W1.input));
    }
    rates.push(W3.samples / ((performance.now() - start) / 1000));
  }
  return rates;
}

/** Live buffers after each of `epochs` W1 epochs (flat = no leak). */
export async function latentMemoryW1(
  backend: Backend,
  data: Float32Array,
  rows: number,
  epochs: number,
): Promise<{ live: number[]; rssMb: number[] }> {
  setBackend(backend);
  const model = buildW1();
  const live: number[] = [];
  const rssMb: number[] = [];
  await fit(model, matrix(data.subarray(0, rows * W1.input), rows, W1.input), {
    epochs,
    batchSize: W1.batchSize,
    loss: 'bce',
    onEpochEnd: () => {
      live.push(backend.liveBuffers());
      rssMb.push(process.memoryUsage().rss / 2 ** 20);
    },
  });
  return { live, rssMb };
}
