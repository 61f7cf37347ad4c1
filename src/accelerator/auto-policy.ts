/**
 * What `auto` knows before it measures: the rule that picks the engine for a class's first call
 * (and for every call of a class too small to time), and how much `auto` measures. The rule was
 * fitted on one machine by bench/accelerator.ts (paired, interleaved rounds, Node 24), so it is
 * only a first guess: on another CPU the ratios differ (on an AVX-512 Zen 5 ONNX Runtime encoded
 * MNIST digits with W1 1.75–1.8× faster than wasm, where the rule keeps them on wasm), and
 * auto-inference.ts times both engines on the host and keeps the faster one per class of call.
 * The measure of a model is its multiply-adds per row through the whole network (its weight count
 * for dense families; a convolution's weights count once per output position).
 *
 * - Small models guess latent: at 1k multiply-adds ONNX Runtime ran at 0.5–1.0× (its per-call
 *   cost dominates); at 70k it ran 1.6–1.9× on 1 thread and 1.1–2.2× on 2 (medians, quiet
 *   machine); from W1's 0.9M (2.0–2.7×, dense inputs) and the W2 convolutional model's 2.1M
 *   (2.9–4.5×) it ran faster on both thread counts.
 * - Encoding mostly-zero inputs with a dense model guesses latent: the wasm GEMM skips zeros of
 *   its left operand, and on the machine the rule was fitted on W1 encoding MNIST digits (0.19
 *   non-zeros) ran at 0.65–1.4× through ONNX Runtime. Scoring runs the dense decoder too, so only
 *   `encode` looks at the rows.
 * - Batches under `MEASURE_MIN_MULTIPLY_ADDS` are not timed: a call takes a fraction of a
 *   millisecond, the choice saves microseconds, and two timed calls that short say more about the
 *   timer and the garbage collector than about the engines.
 */

import type { Matrix } from '../data/matrix.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { convGeometry } from '../models/conv-config.js';

/** Multiply-adds per row from which ONNX Runtime measured faster, on 1 thread and on 2. */
export const ORT_MIN_MULTIPLY_ADDS = 50_000;
/** Share of non-zero inputs at or below which the rule guesses latent's wasm backend for `encode`. */
export const SPARSE_INPUT_DENSITY = 0.4;
/**
 * Multiply-adds of a class's largest batch (rows × multiply-adds per row) from which `auto` times
 * the engines: about 0.2 ms of wasm work on one thread; below it each call follows the rule.
 */
export const MEASURE_MIN_MULTIPLY_ADDS = 1 << 22;
/**
 * Timed calls of each engine, after its warm-up call, before a class sticks to the faster one.
 * Three, not two: a new ONNX Runtime session takes two or three runs after its first to reach its
 * speed (on W1 batches of 1,000 rows its second run went at 0.2–0.6 of its steady rate, its third
 * at 0.5–1.0), so with two the comparison could rest on wasm at full speed against ONNX Runtime
 * still warming; the fastest of three is mostly its steady rate.
 */
export const TIMED_CALLS = 3;
/**
 * How many times faster than latent's fastest timed call ONNX Runtime's fastest must run for a
 * class to settle on it after one timed call of each engine, instead of TIMED_CALLS. Only in ONNX
 * Runtime's favour: its early calls understate its speed (above), so a wide lead can only grow,
 * while latent's lead over a still-warming session could be an artefact. Three: for the choice to
 * be wrong, the one timed wasm call would have to run at a third of its speed. On an AVX-512 Zen 5,
 * models past W1's size ran 3.2–5.1× faster through ONNX Runtime (bench/accelerator.ts), where
 * each of the three extra wasm batches cost a third to a quarter of a batch's time.
 */
export const DECISIVE_ORT_LEAD = 3;

/** Whether the rule guesses ONNX Runtime for `model` (it measured faster there on the machine it was fitted on). */
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
 * Whether the rule guesses latent's wasm backend for encoding the scaled rows `x`: mostly-zero rows
 * entering a dense first layer. A convolutional model's first layer sees
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
