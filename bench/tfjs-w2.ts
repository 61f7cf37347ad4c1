/**
 * TensorFlow.js side of the W2 benchmark: conv-mnist training written with tfjs-core ops
 * (conv2d, conv2dTranspose, matMul; NHWC as tfjs prefers), the same layer sizes, He-uniform init
 * scale, BCE from logits and Adam as latent's W2. tfjs's wasm backend has no Conv2DBackpropFilter
 * kernel in 4.22, so W2 training can only run there if it gains one: the runner reports null then.
 */

import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { W2 } from './workloads-w2.js';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs') as typeof TF;

function uniform<R extends TF.Rank>(shape: number[], fanIn: number): TF.Variable<R> {
  const limit = Math.sqrt(6 / fanIn);
  return tf.variable(tf.randomUniform<TF.Rank>(shape, -limit, limit, 'float32', 1)) as TF.Variable<R>;
}

function buildW2() {
  const [c1, c2] = W2.convChannels;
  const k = W2.kernel;
  const flat = c2 * 7 * 7;
  return {
    w1: uniform<TF.Rank.R4>([k, k, 1, c1], k * k),
    b1: tf.variable(tf.zeros([c1])),
    w2: uniform<TF.Rank.R4>([k, k, c1, c2], k * k * c1),
    b2: tf.variable(tf.zeros([c2])),
    w3: uniform([flat, W2.latent], flat),
    b3: tf.variable(tf.zeros([W2.latent])),
    w4: uniform([W2.latent, flat], W2.latent),
    b4: tf.variable(tf.zeros([flat])),
    // conv2dTranspose filters are [kH, kW, outChannels, inChannels].
    w5: uniform<TF.Rank.R4>([k, k, c1, c2], k * k * c2),
    b5: tf.variable(tf.zeros([c1])),
    w6: uniform<TF.Rank.R4>([k, k, 1, c1], k * k * c1),
    b6: tf.variable(tf.zeros([1])),
  };
}

type W2Model = ReturnType<typeof buildW2>;

function forward(m: W2Model, x: TF.Tensor4D): TF.Tensor4D {
  const n = x.shape[0];
  const [c1, c2] = W2.convChannels;
  let h = tf.relu(tf.add(tf.conv2d(x, m.w1, W2.stride, W2.padding), m.b1)) as TF.Tensor4D;
  h = tf.relu(tf.add(tf.conv2d(h, m.w2, W2.stride, W2.padding), m.b2)) as TF.Tensor4D;
  const z = tf.add(tf.matMul(tf.reshape(h, [n, c2 * 49]), m.w3), m.b3) as TF.Tensor2D;
  const d = tf.reshape(tf.relu(tf.add(tf.matMul(z, m.w4), m.b4)), [n, 7, 7, c2]) as TF.Tensor4D;
  const u = tf.relu(tf.add(tf.conv2dTranspose(d, m.w5, [n, 14, 14, c1], W2.stride, 'same'), m.b5)) as TF.Tensor4D;
  return tf.add(tf.conv2dTranspose(u, m.w6, [n, 28, 28, 1], W2.stride, 'same'), m.b6) as TF.Tensor4D;
}

/** Samples/s of W2 training over `rows` digits, one rate per epoch; null when the backend lacks a kernel. */
export async function tfjsTrainW2(data: Float32Array, rows: number, reps: number): Promise<number[] | null> {
  const model = buildW2();
  const optimizer = tf.train.adam(W2.lr);
  const x = tf.tensor4d(data.subarray(0, rows * 784), [rows, 28, 28, 1]);
  const rates: number[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      const start = performance.now();
      for (let b = 0; b + W2.batchSize <= rows; b += W2.batchSize) {
        const batch = tf.slice(x, [b, 0, 0, 0], [W2.batchSize, 28, 28, 1]);
        const cost = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(batch, forward(model, batch)) as TF.Scalar, true);
        await cost!.data();
        cost!.dispose();
        batch.dispose();
      }
      rates.push((Math.floor(rows / W2.batchSize) * W2.batchSize) / ((performance.now() - start) / 1000));
    }
  } catch (error) {
    if (error instanceof Error && /not registered|not found|not implemented/i.test(error.message)) return null;
    throw error;
  } finally {
    x.dispose();
  }
  return rates;
}
