import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { meanPsnr, meanSsim, mse, psnr, ssim } from './image-metrics.js';
import { hasNumpy, numpy } from './test-utils/numpy.js';

function randomImage(length: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length }, () => rng.uniform());
}

/** A smooth image plus noise, so SSIM lands well inside (0, 1). */
function noisyCopy(image: Float32Array, sigma: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return image.map((v) => Math.min(1, Math.max(0, v + sigma * rng.normal())));
}

describe('mse and psnr', () => {
  it('compute the textbook values', () => {
    expect(mse([0, 0], [1, 3])).toBe(5);
    expect(psnr([0.5, 0.5], [0.5, 0.5])).toBe(Infinity);
    // A constant offset δ gives MSE δ² and PSNR −20·log10(δ): 20 dB for δ = 0.1.
    const a = randomImage(100, 1).map((v) => v * 0.8);
    const b = a.map((v) => v + 0.1);
    expect(mse(a, b)).toBeCloseTo(0.01, 6);
    expect(psnr(a, b)).toBeCloseTo(20, 4);
    expect(psnr([0, 0], [255, 0], 255)).toBeCloseTo(10 * Math.log10(2), 12);
  });

  it('reject mismatched sizes and a bad maxValue', () => {
    expect(() => mse([1, 2], [1])).toThrow(/2 and 1 values/);
    expect(() => psnr([1], [1], 0)).toThrow(/maxValue must be positive/);
  });
});

describe('ssim', () => {
  it('is 1 for identical images', () => {
    const img = randomImage(28 * 28, 2);
    expect(ssim(img, img, 28, 28, 1)).toBeCloseTo(1, 12);
    const flat = new Float32Array(12 * 12).fill(0.3);
    expect(ssim(flat, flat, 12, 12, 1)).toBeCloseTo(1, 12);
  });

  it('is the luminance term alone for constant images', () => {
    // Zero variance everywhere: SSIM = (2·μx·μy + C1) / (μx² + μy² + C1), C1 = 1e-4.
    const a = new Float32Array(16 * 16).fill(0.5);
    const b = new Float32Array(16 * 16).fill(0.6);
    const expected = (2 * 0.5 * 0.6 + 1e-4) / (0.25 + 0.36 + 1e-4);
    expect(ssim(a, b, 16, 16, 1)).toBeCloseTo(expected, 6);
  });

  it('is symmetric and drops with more noise', () => {
    const clean = randomImage(20 * 20, 3);
    const light = noisyCopy(clean, 0.05, 4);
    const heavy = noisyCopy(clean, 0.3, 5);
    expect(ssim(clean, light, 20, 20, 1)).toBeCloseTo(ssim(light, clean, 20, 20, 1), 12);
    expect(ssim(clean, light, 20, 20, 1)).toBeGreaterThan(ssim(clean, heavy, 20, 20, 1));
  });

  it.skipIf(!hasNumpy)('matches a numpy implementation of skimage SSIM (colour, non-square)', () => {
    const width = 20;
    const height = 16;
    const channels = 3;
    const clean = randomImage(width * height * channels, 6);
    const noisy = noisyCopy(clean, 0.2, 7);
    // skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
    // use_sample_covariance=False, data_range=1, channel_axis=-1), written out: scipy's "reflect"
    // border is numpy's "symmetric" padding; the 11-tap kernel is truncate=3.5.
    const ref = numpy(
      `
h, w, c = inp['shape']
X = np.array(inp['a'], dtype=np.float64).reshape(h, w, c)
Y = np.array(inp['b'], dtype=np.float64).reshape(h, w, c)
t = np.arange(-5, 6)
g = np.exp(-0.5 * t ** 2 / 1.5 ** 2); g /= g.sum()
def blur(im):
    p = np.pad(im, 5, mode='symmetric')
    rows = sum(g[i] * p[:, i:i + im.shape[1]] for i in range(11))
    return sum(g[i] * rows[i:i + im.shape[0], :] for i in range(11))
vals = []
for ch in range(c):
    x = X[:, :, ch]; y = Y[:, :, ch]
    ux, uy = blur(x), blur(y)
    vx = blur(x * x) - ux * ux; vy = blur(y * y) - uy * uy; vxy = blur(x * y) - ux * uy
    C1, C2 = 0.01 ** 2, 0.03 ** 2
    S = ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux ** 2 + uy ** 2 + C1) * (vx + vy + C2))
    vals.append(S[5:-5, 5:-5].mean())
out = float(np.mean(vals))
`,
      { shape: [height, width, channels], a: Array.from(clean), b: Array.from(noisy) },
    ) as number;
    expect(ref).toBeGreaterThan(0.05);
    expect(ref).toBeLessThan(0.95);
    expect(ssim(clean, noisy, width, height, channels)).toBeCloseTo(ref, 10);
  });

  it('rejects images smaller than the window and wrong sizes', () => {
    const small = new Float32Array(10 * 10);
    expect(() => ssim(small, small, 10, 10, 1)).toThrow(/10×10 image is smaller than the 11×11 SSIM window/);
    const img = new Float32Array(12 * 12);
    expect(() => ssim(img, img, 12, 12, 3)).toThrow(/144 values but 12×12×3 = 432/);
    expect(() => ssim(img, img, 12.5, 12, 1)).toThrow(LatentError);
  });
});

describe('batch means', () => {
  it('average per-image values', () => {
    const n = 12 * 12;
    const a = randomImage(2 * n, 8);
    const b = a.slice();
    for (let i = n; i < 2 * n; i++) b[i] = Math.min(1, b[i]! + 0.05);
    const clean = { data: a, rows: 2, cols: n };
    const other = { data: b, rows: 2, cols: n };
    const second = ssim(a.subarray(n), b.subarray(n), 12, 12, 1);
    expect(meanSsim(clean, other, 12, 12, 1)).toBeCloseTo((1 + second) / 2, 12);
    const shifted = { data: a.map((v, i) => (i < n ? v + 0.1 : v + 0.01)), rows: 2, cols: n };
    expect(meanPsnr(clean, shifted)).toBeCloseTo((20 + 40) / 2, 3);
    expect(() => meanPsnr(clean, { data: a.subarray(n), rows: 1, cols: n })).toThrow(/2×144 and 1×144/);
  });
});
