/**
 * Image quality metrics for denoising: MSE, PSNR and SSIM, for single images and as the mean over
 * a batch (one image per matrix row).
 *
 * Images are flattened row-major with channels last (height × width × channels), the layout the
 * image loaders produce. SSIM follows Wang et al. (2004) as implemented by scikit-image's
 * `structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1)`: an 11 × 11 Gaussian window (σ = 1.5, truncated at 3.5σ), scipy's "reflect"
 * border, K1 = 0.01, K2 = 0.03, the SSIM map averaged away from a 5-pixel border, and channels
 * averaged. All arithmetic is float64.
 */

import { LatentError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';

const SIGMA = 1.5;
/** int(3.5 · σ + 0.5): scipy's gaussian_filter radius for truncate = 3.5. */
const RADIUS = 5;
const K1 = 0.01;
const K2 = 0.03;

/**
 * Mean squared difference.
 *
 * @example
 * mse([0, 0], [1, 3]); // 5
 */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new LatentError(`mse: the images have ${a.length} and ${b.length} values`, 'compare images of the same size and channel count');
  }
  if (a.length === 0) throw new LatentError('mse: the images are empty', 'pass images with at least one pixel');
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return sum / a.length;
}

/**
 * Peak signal-to-noise ratio in dB: 10 · log10(maxValue² / MSE); Infinity for identical images.
 *
 * @example
 * psnr(clean, denoised); // e.g. 24.3 for values in [0, 1]
 */
export function psnr(clean: ArrayLike<number>, other: ArrayLike<number>, maxValue = 1): number {
  if (!(maxValue > 0)) {
    throw new LatentError(`psnr: maxValue must be positive, got ${maxValue}`, 'use 1 for [0, 1] data or 255 for bytes');
  }
  const e = mse(clean, other);
  return e === 0 ? Infinity : 10 * Math.log10((maxValue * maxValue) / e);
}

/**
 * Structural similarity of two images with values in [0, 1] (1 = identical).
 *
 * @example
 * ssim(clean, denoised, 28, 28, 1); // e.g. 0.91
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, width: number, height: number, channels: number): number {
  checkImageShape(a.length, width, height, channels, 'ssim', 'first image');
  checkImageShape(b.length, width, height, channels, 'ssim', 'second image');
  const kernel = gaussianKernel();
  const plane = width * height;
  const x = new Float64Array(plane);
  const y = new Float64Array(plane);
  let total = 0;
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) {
      x[p] = a[p * channels + c]!;
      y[p] = b[p * channels + c]!;
    }
    total += ssimPlane(x, y, width, height, kernel);
  }
  return total / channels;
}

/**
 * Mean SSIM over a batch: row i of `clean` is compared with row i of `other`.
 *
 * @example
 * meanSsim(cleanImages, denoisedImages, 28, 28, 1);
 */
export function meanSsim(clean: Matrix, other: Matrix, width: number, height: number, channels: number): number {
  checkBatch(clean, other, 'meanSsim');
  let total = 0;
  for (let i = 0; i < clean.rows; i++) {
    total += ssim(row(clean, i), row(other, i), width, height, channels);
  }
  return total / clean.rows;
}

/**
 * Mean PSNR over a batch (Infinity if any pair is identical).
 *
 * @example
 * meanPsnr(cleanImages, denoisedImages);
 */
export function meanPsnr(clean: Matrix, other: Matrix, maxValue = 1): number {
  checkBatch(clean, other, 'meanPsnr');
  let total = 0;
  for (let i = 0; i < clean.rows; i++) total += psnr(row(clean, i), row(other, i), maxValue);
  return total / clean.rows;
}

function ssimPlane(x: Float64Array, y: Float64Array, w: number, h: number, kernel: Float64Array): number {
  const n = w * h;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i]! * x[i]!;
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
  const scratch = new Float64Array(n);
  const ux = blur(x, w, h, kernel, scratch);
  const uy = blur(y, w, h, kernel, scratch);
  const uxx = blur(xx, w, h, kernel, scratch);
  const uyy = blur(yy, w, h, kernel, scratch);
  const uxy = blur(xy, w, h, kernel, scratch);
  const c1 = K1 * K1;
  const c2 = K2 * K2;
  let sum = 0;
  for (let r = RADIUS; r < h - RADIUS; r++) {
    for (let c = RADIUS; c < w - RADIUS; c++) {
      const i = r * w + c;
      const mx = ux[i]!;
      const my = uy[i]!;
      const vx = uxx[i]! - mx * mx;
      const vy = uyy[i]! - my * my;
      const vxy = uxy[i]! - mx * my;
      sum += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
  }
  return sum / ((h - 2 * RADIUS) * (w - 2 * RADIUS));
}

/** Separable Gaussian filter with scipy's "reflect" border (d c b a | a b c d). */
function blur(src: Float64Array, w: number, h: number, kernel: Float64Array, scratch: Float64Array): Float64Array {
  const out = new Float64Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      for (let t = -RADIUS; t <= RADIUS; t++) s += kernel[t + RADIUS]! * src[r * w + reflect(c + t, w)]!;
      scratch[r * w + c] = s;
    }
  }
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      for (let t = -RADIUS; t <= RADIUS; t++) s += kernel[t + RADIUS]! * scratch[reflect(r + t, h) * w + c]!;
      out[r * w + c] = s;
    }
  }
  return out;
}

/** One reflection suffices because images are at least 2·RADIUS + 1 wide. */
function reflect(i: number, n: number): number {
  if (i < 0) return -i - 1;
  if (i >= n) return 2 * n - i - 1;
  return i;
}

function gaussianKernel(): Float64Array {
  const k = new Float64Array(2 * RADIUS + 1);
  let sum = 0;
  for (let t = -RADIUS; t <= RADIUS; t++) {
    const v = Math.exp((-0.5 * t * t) / (SIGMA * SIGMA));
    k[t + RADIUS] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

function checkImageShape(length: number, width: number, height: number, channels: number, fn: string, what: string): void {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
    ['channels', channels],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new LatentError(`${fn}: ${name} must be a positive integer, got ${v}`, 'pass the image size in pixels');
    }
  }
  const size = 2 * RADIUS + 1;
  if (width < size || height < size) {
    throw new LatentError(
      `${fn}: a ${width}×${height} image is smaller than the ${size}×${size} SSIM window`,
      `SSIM needs images at least ${size} pixels wide and high; use PSNR for smaller images`,
    );
  }
  if (length !== width * height * channels) {
    throw new LatentError(
      `${fn}: the ${what} has ${length} values but ${width}×${height}×${channels} = ${width * height * channels} were expected`,
      'check the width, height and channel count (values are height × width × channels, channels last)',
    );
  }
}

function checkBatch(clean: Matrix, other: Matrix, fn: string): void {
  if (clean.rows !== other.rows || clean.cols !== other.cols) {
    throw new LatentError(
      `${fn}: the batches are ${clean.rows}×${clean.cols} and ${other.rows}×${other.cols}`,
      'compare batches with the same number of images of the same size',
    );
  }
  if (clean.rows === 0) throw new LatentError(`${fn}: the batch is empty`, 'pass at least one image');
}

function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
