/**
 * Denoising with files (Node only: PNG needs zlib): read a PNG into a one-row matrix of the
 * model's size, write a denoised PNG, and the built-in MNIST demo (train on noisy digits, report
 * PSNR/SSIM before and after, draw clean / noisy / denoised).
 *
 * Invariant: an image is accepted only when its size matches the model exactly (no silent
 * resizing); the error names both sizes.
 */

import { readFileSync } from 'node:fs';
import type { Matrix } from '../data/matrix.js';
import { matrix } from '../data/matrix.js';
import { MNIST_SIDE } from '../data/mnist.js';
import { loadMnist } from '../data/node-mnist.js';
import { LatentError } from '../errors.js';
import { writeFileAtomic, type WriteOptions } from '../io/atomic.js';
import { imageGrid } from '../report/image-grid.js';
import { decodePng, encodePng } from '../report/png.js';
import { corrupt, type Corruption } from '../train/corruption.js';
import { Rng } from '../tensor/rng.js';
import { AutoencoderDenoiser, type DenoiseEvaluation, type DenoiserOptions, type ImageShape } from './denoiser.js';

/**
 * Read a PNG as one row for a model with `inputDim` values per row (and `shape`, when the model
 * knows its image shape).
 *
 * @example
 * const { row, shape } = readImageRow('digit.png', denoiser.model.inputDim, denoiser.imageShape);
 */
export function readImageRow(path: string, inputDim: number, shape?: ImageShape): { row: Matrix; shape: ImageShape } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatentError(`${path}: cannot read the image (${reason})`, 'check the path');
  }
  const image = decodePng(bytes, path);
  const got: ImageShape = { height: image.height, width: image.width, channels: image.channels };
  const values = image.height * image.width * image.channels;
  const sameAsModel =
    shape === undefined ? values === inputDim : got.height === shape.height && got.width === shape.width && got.channels === shape.channels;
  if (!sameAsModel) {
    const expected = shape === undefined ? `${inputDim} values per image` : `${describe(shape)} (${inputDim} values)`;
    throw new LatentError(
      `${path} is ${describe(got)} (${values} values), but the model expects ${expected}`,
      'resize or convert the image to the size the model was trained on',
    );
  }
  return { row: matrix(image.data, 1, values), shape: got };
}

/**
 * Denoise the PNG at `inputPath` and write the result as a PNG at `outputPath` (atomically; an
 * existing file is only replaced with `overwrite`).
 *
 * @example
 * denoisePngFile(denoiser, 'noisy.png', 'clean.png', { overwrite: true });
 */
export function denoisePngFile(
  denoiser: AutoencoderDenoiser,
  inputPath: string,
  outputPath: string,
  options: WriteOptions = {},
): ImageShape {
  const { row, shape } = readImageRow(inputPath, denoiser.model.inputDim, denoiser.imageShape);
  const denoised = denoiser.denoise(row);
  writeFileAtomic(outputPath, encodePng(toBytes(denoised.data), shape.width, shape.height, shape.channels), options);
  return shape;
}

export interface DenoiseDemoOptions extends DenoiserOptions {
  /** Training digits used (default all 7,996). */
  readonly trainRows?: number;
  /** Test digits evaluated (default all 2,004). */
  readonly testRows?: number;
  /** Digits drawn in the grid (default 10). */
  readonly gridCount?: number;
  /** Write the grid PNG here (atomically). */
  readonly gridPath?: string;
  readonly overwrite?: boolean;
}

export interface DenoiseDemoResult {
  readonly denoiser: AutoencoderDenoiser;
  /** On the test digits with fresh noise of the training kind. */
  readonly evaluation: DenoiseEvaluation;
  /** PNG bytes of the grid: clean / noisy / denoised. */
  readonly grid: Uint8Array;
}

const MNIST_SHAPE: ImageShape = { height: MNIST_SIDE, width: MNIST_SIDE, channels: 1 };

/**
 * The MNIST denoising demo: Gaussian noise (σ = 0.5 by default) clipped to [0, 1] on the inputs,
 * clean targets; evaluated on the test digits with fresh noise.
 *
 * @example
 * const { evaluation } = await denoiseDemo({ epochs: 5, gridPath: 'denoise.png' });
 * console.log(evaluation.noisyPsnr, evaluation.denoisedPsnr);
 */
export async function denoiseDemo(options: DenoiseDemoOptions = {}): Promise<DenoiseDemoResult> {
  const { trainRows, testRows, gridCount, gridPath, overwrite, ...fitOptions } = options;
  const { train, test } = loadMnist();
  const trainX = firstRows(train.x, trainRows, 'trainRows');
  const testX = firstRows(test.x, testRows, 'testRows');
  const corruption: Corruption = fitOptions.corruption ?? { kind: 'gaussian', sigma: 0.5 };
  const denoiser = await new AutoencoderDenoiser({ imageShape: MNIST_SHAPE, ...fitOptions, corruption }).fit(trainX);
  // Test noise from its own seed, so it differs from every training batch.
  const noisy = matrix(corrupt(testX.data, corruption, new Rng((fitOptions.seed ?? 42) + 1), [0, 1]), testX.rows, testX.cols);
  const evaluation = denoiser.evaluate(testX, noisy);
  const count = Math.min(gridCount ?? 10, testX.rows);
  const take = (m: Matrix): Float32Array => m.data.slice(0, count * m.cols);
  const pixels = imageGrid(
    [
      { label: 'clean', images: take(testX) },
      { label: 'noisy', images: take(noisy) },
      { label: 'denoised', images: take(denoiser.denoise(firstRows(noisy, count, 'gridCount'))) },
    ],
    { height: MNIST_SIDE, width: MNIST_SIDE, scale: 2 },
  );
  const grid = encodePng(pixels.pixels, pixels.width, pixels.height, pixels.channels);
  if (gridPath !== undefined) writeFileAtomic(gridPath, grid, { overwrite: overwrite ?? false });
  return { denoiser, evaluation, grid };
}

function firstRows(m: Matrix, rows: number | undefined, name: string): Matrix {
  if (rows === undefined) return m;
  if (!Number.isInteger(rows) || rows < 1 || rows > m.rows) {
    throw new LatentError(`${name} ${rows} must be a whole number from 1 to ${m.rows}`, `use at most the ${m.rows} digits available`);
  }
  return matrix(m.data.subarray(0, rows * m.cols), rows, m.cols);
}

function toBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return out;
}

function describe(shape: ImageShape): string {
  return `${shape.width}×${shape.height} ${shape.channels === 1 ? 'grayscale' : 'colour'}`;
}
