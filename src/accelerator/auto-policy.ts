/**
 * When `auto` runs a model in ONNX Runtime rather than latent's wasm backend: the rule measured by
 * bench/accelerator.ts (paired, interleaved rounds, Node 24; BENCHMARKS.md has the table). The
 * measure of a model is its multiply-adds per row through the whole network (its weight count
 * for dense families; a convolution's weights count once per output position).
 *
 * - Small models stay on latent: at 1k multiply-adds ONNX Runtime ran at 0.5–1.0× (its per-call
 *   cost dominates); at 70k it ran 1.6–1.9× on 1 thread and 1.1–2.2× on 2 (medians, quiet
 *   machine); from W1's 0.9M (2.0–2.7×, dense inputs) and the W2 convolutional model's 2.1M
 *   (2.9–4.5×) it ran faster on both thread counts. Hence one size from which it pays, whatever
 *   the thread count (an earlier run on a loaded machine had suggested a higher one on 2 threads;
 *   the quiet rerun did not bear it out).
 * - Encoding mostly-zero inputs with a dense model stays on latent: the wasm GEMM skips zeros of
 *   its left operand (below 0.4 non-zeros in the plain SIMD build, below a per-shape break-even
 *   density in the relaxed one: backend/wasm), and W1 encoding MNIST digits (0.19
 *   non-zeros) ran at 0.65–1.4× through ONNX Runtime. Scoring runs the dense decoder too, and ONNX
 *   Runtime still won there on 1 thread, so only `encode` looks at the rows.
 */

import type { Matrix } from '../data/matrix.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { convGeometry } from '../models/conv-config.js';

/** Multiply-adds per row from which ONNX Runtime measured faster, on 1 thread and on 2. */
export const ORT_MIN_MULTIPLY_ADDS = 50_000;
/** Share of non-zero inputs at or below which latent's wasm backend encodes as fast or faster. */
export const SPARSE_INPUT_DENSITY = 0.4;

/** Whether ONNX Runtime measured faster than latent's wasm backend for `model`. */
export function ortPays(model: Autoencoder): boolean {
  return multiplyAddsPerRow(model) >= ORT_MIN_MULTIPLY_ADDS;
}

/**
 * About the multiply-adds of one row through encoder and decoder: every weight once, and each
 * convolution's (and its mirrored transposed convolution's) weights once more per further output
 * position.
 *
 * @example
 * multiplyAddsPerRow(buildW2()); // about 2.1 million
 */
export function multiplyAddsPerRow(model: Autoencoder): number {
  let total = model.parameterCount();
  const config = model.config;
  if (config.kind === 'conv' || config.kind === 'conv1d') {
    const { sizes } = convGeometry(config);
    const taps = config.kernel ** sizes[0]!.length;
    const channels = [config.channels, ...config.convChannels];
    config.convChannels.forEach((_c, i) => {
      const positions = sizes[i + 1]!.reduce((a, b) => a * b, 1);
      total += 2 * channels[i]! * channels[i + 1]! * taps * (positions - 1);
    });
  }
  return total;
}

/**
 * Whether latent's wasm backend encodes the scaled rows `x` as fast as ONNX Runtime or faster:
 * mostly-zero rows entering a dense first layer. A convolutional model's first layer sees
 * im2col columns rather than the rows, and ONNX Runtime encoded MNIST digits with W2 2.7–4× faster.
 */
export function latentEncodesFaster(model: Autoencoder, x: Matrix): boolean {
  return model.config.kind !== 'conv' && model.config.kind !== 'conv1d' && sparseInput(x);
}

function sparseInput(x: Matrix): boolean {
  let nonZeros = 0;
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== 0) nonZeros++;
  return nonZeros <= SPARSE_INPUT_DENSITY * x.data.length;
}
