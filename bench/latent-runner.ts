/**
 * latent side of the benchmark: W1 training and W3 encoding through the public API, on a given
 * backend, timed without data loading (W3's rows are placed in backend memory before timing).
 */

import { setBackend, type Backend } from '../src/backend/index.js';
import { matrix, type Matrix } from '../src/data/matrix.js';
import { DenseAutoencoder, denseConfig, place, type Autoencoder, type ModelInput } from '../src/models/index.js';
import { fit, type FitOptions } from '../src/train/index.js';
import { repeat, type Contender } from './interleave.js';
import { W1, W3 } from './workloads.js';

export function buildW1(): DenseAutoencoder {
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

/**
 * A contender whose repetition trains `model` (built on `backend`) one more epoch on `x` with
 * `options`, and returns the epoch's samples/s.
 */
export function epochTrainer(
  system: string,
  backend: Backend,
  model: Autoencoder,
  x: Matrix,
  options: Omit<FitOptions, 'epochs' | 'onEpochEnd'>,
): Contender {
  return {
    system,
    rep: async () => {
      // Contenders take turns: the global backend is the one this model was built on.
      setBackend(backend);
      let rate = NaN;
      await fit(model, x, { ...options, epochs: 1, onEpochEnd: (log) => void (rate = x.rows / log.seconds) });
      return rate;
    },
  };
}

/** W1 training on `rows` samples: each repetition trains one more epoch of the same model. */
export function latentW1Trainer(system: string, backend: Backend, data: Float32Array, rows: number): Contender {
  setBackend(backend);
  const x = matrix(data.subarray(0, rows * W1.input), rows, W1.input);
  return epochTrainer(system, backend, buildW1(), x, { batchSize: W1.batchSize, loss: 'bce', optimizer: { name: 'adam', lr: W1.lr } });
}

/** Samples/s of W1 training epochs over `rows` samples; one rate per epoch. */
export async function latentTrainW1(backend: Backend, data: Float32Array, rows: number, reps: number): Promise<number[]> {
  return repeat(latentW1Trainer('latent', backend, data, rows), reps);
}

/**
 * How W3 hands the rows to the model: `placed` puts all of them in backend memory once, before
 * any timing (as PyTorch's runner makes its tensor before its clock starts), and encodes slices of
 * them in place; `plain` passes each batch as a plain matrix, copied in by every encode call.
 */
export type W3Input = 'placed' | 'plain';

/** W3 encoding: each repetition encodes the W3 samples once, in batches of 1,000. */
export function latentW3Encoder(system: string, backend: Backend, data: Float32Array, input: W3Input = 'placed'): Contender {
  setBackend(backend);
  const model = buildW1();
  const rows = data.subarray(0, W3.samples * W1.input);
  const placed = input === 'placed' ? place(matrix(rows, W3.samples, W1.input)) : null;
  const batch = (b: number): ModelInput =>
    placed ? placed.slice(b, b + W3.batchSize) : matrix(rows.subarray(b * W1.input, (b + W3.batchSize) * W1.input), W3.batchSize, W1.input);
  return {
    system,
    rep: async () => {
      setBackend(backend);
      const start = performance.now();
      for (let b = 0; b < W3.samples; b += W3.batchSize) model.encode(batch(b));
      return W3.samples / ((performance.now() - start) / 1000);
    },
  };
}

/** Samples/s of W3 encoding, one rate per pass. */
export async function latentEncodeW3(backend: Backend, data: Float32Array, reps: number, input: W3Input = 'placed'): Promise<number[]> {
  return repeat(latentW3Encoder('latent', backend, data, input), reps);
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
