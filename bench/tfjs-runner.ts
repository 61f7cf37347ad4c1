/**
 * TensorFlow.js side of the benchmark: W1 training and W3 encoding written with tfjs-core ops
 * (the same layers, init scale, loss and optimizer as latent's), on its cpu or wasm backend.
 */

import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

// The CommonJS bundles register every kernel and gradient; the ESM build does not in Node.
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs') as typeof TF;
require('@tensorflow/tfjs-backend-wasm');
import { repeat, type Contender } from './interleave.js';
import { median, W1, W3 } from './workloads.js';

interface Layer {
  w: TF.Variable;
  b: TF.Variable;
}

function buildW1(): { encoder: Layer[]; decoder: Layer[] } {
  const widths = [W1.input, ...W1.encoder, W1.latent];
  const make = (dims: number[]): Layer[] =>
    dims.slice(0, -1).map((d, i) => {
      const limit = Math.sqrt(6 / d);
      return { w: tf.variable(tf.randomUniform([d, dims[i + 1]!], -limit, limit, 'float32', 1)), b: tf.variable(tf.zeros([dims[i + 1]!])) };
    });
  return { encoder: make(widths), decoder: make([...widths].reverse()) };
}

function run(layers: Layer[], x: TF.Tensor2D, lastActivated: boolean): TF.Tensor2D {
  let y = x;
  layers.forEach((layer, i) => {
    const z = tf.add(tf.matMul(y, layer.w), layer.b) as TF.Tensor2D;
    y = i < layers.length - 1 || lastActivated ? tf.relu(z) : z;
  });
  return y;
}

export async function useTfBackend(name: 'cpu' | 'wasm'): Promise<void> {
  await tf.setBackend(name);
  await tf.ready();
}

/** W1 training on `rows` samples on the current tfjs backend: each repetition is one more epoch. */
export function tfjsW1Trainer(system: string, data: Float32Array, rows: number): Contender {
  const model = buildW1();
  const optimizer = tf.train.adam(W1.lr);
  const x = tf.tensor2d(data.subarray(0, rows * W1.input), [rows, W1.input]);
  return {
    system,
    rep: async () => {
      const start = performance.now();
      for (let b = 0; b + W1.batchSize <= rows; b += W1.batchSize) {
        const batch = tf.slice(x, [b, 0], [W1.batchSize, W1.input]);
        const cost = optimizer.minimize(() => {
          const logits = run(model.decoder, run(model.encoder, batch, false), false);
          return tf.losses.sigmoidCrossEntropy(batch, logits) as TF.Scalar;
        }, true);
        await cost!.data();
        cost!.dispose();
        batch.dispose();
      }
      return (Math.floor(rows / W1.batchSize) * W1.batchSize) / ((performance.now() - start) / 1000);
    },
  };
}

/** Samples/s of W1 training over `data` (rows of 784 values), one rate per epoch. */
export async function tfjsTrainW1(data: Float32Array, rows: number, reps: number): Promise<number[]> {
  return repeat(tfjsW1Trainer('tfjs', data, rows), reps);
}

/**
 * W3 on the current tfjs backend: each repetition encodes the W3 samples once, in batches of
 * 1,000. The batches are tensors made before timing (as the W1 trainer's data, PyTorch's tensor
 * and latent's placed rows); each pass reads every code back (`data()`), as latent's encode does.
 */
export function tfjsW3Encoder(system: string, data: Float32Array): Contender {
  const model = buildW1();
  const batches: TF.Tensor2D[] = [];
  for (let b = 0; b < W3.samples; b += W3.batchSize) {
    batches.push(tf.tensor2d(data.subarray(b * W1.input, (b + W3.batchSize) * W1.input), [W3.batchSize, W1.input]));
  }
  return {
    system,
    rep: async () => {
      const start = performance.now();
      for (const batch of batches) {
        const out = tf.tidy(() => run(model.encoder, batch, false));
        await out.data();
        out.dispose();
      }
      return W3.samples / ((performance.now() - start) / 1000);
    },
  };
}

/** Samples/s of W3: encoding with the W1 encoder in batches of 1,000, one rate per pass. */
export async function tfjsEncodeW3(data: Float32Array, reps: number): Promise<number[]> {
  return repeat(tfjsW3Encoder('tfjs', data), reps);
}

export { median };
