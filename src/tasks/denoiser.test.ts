import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Matrix } from '../data/matrix.js';
import { modelFromBytes, modelToBytes } from '../io/model-io.js';
import { decodePng, encodePng } from '../report/png.js';
import { Rng } from '../tensor/rng.js';
import { denoiseDemo, denoisePngFile, readImageRow, type DenoiseDemoResult } from './denoise-files.js';
import { AutoencoderDenoiser } from './denoiser.js';

let demo: DenoiseDemoResult;
const dir = mkdtempSync(join(tmpdir(), 'latent-denoise-'));

beforeAll(async () => {
  // A small run of the MNIST demo: 2,000 training digits, 200 test digits.
  demo = await denoiseDemo({
    trainRows: 2000,
    testRows: 200,
    hidden: [64],
    latentDim: 32,
    epochs: 8,
    optimizer: { name: 'adam', lr: 0.003 },
    gridPath: join(dir, 'grid.png'),
  });
});

describe('denoiseDemo (MNIST, Gaussian σ = 0.5 clipped to [0, 1])', () => {
  it('gains several dB of PSNR and SSIM on the test digits', () => {
    const e = demo.evaluation;
    // Noise of σ = 0.5 clipped to [0, 1] leaves about 9.4 dB.
    expect(e.noisyPsnr).toBeGreaterThan(8.5);
    expect(e.noisyPsnr).toBeLessThan(10.5);
    // This small run gains about 5 dB (the full demo about 7 dB).
    expect(e.denoisedPsnr - e.noisyPsnr).toBeGreaterThan(4);
    expect(e.denoisedMse).toBeLessThan(e.noisyMse / 2);
    expect(e.denoisedSsim!).toBeGreaterThan(e.noisySsim!);
  });

  it('trains with a sigmoid output on unscaled pixels and draws clean / noisy / denoised', () => {
    const { denoiser, grid } = demo;
    expect(denoiser.model.outputActivation).toBe('sigmoid');
    expect(denoiser.model.scaler?.kind).toBe('none');
    expect(denoiser.history!.loss).toBe('bce');
    expect(denoiser.corruption).toEqual({ kind: 'gaussian', sigma: 0.5 });
    const png = decodePng(grid, 'grid');
    // 3 labelled rows of 10 digits drawn at 2×.
    expect(png.width).toBeGreaterThan(10 * 56);
    expect(png.height).toBeGreaterThan(3 * 56);
    expect(Array.from(readFileSync(join(dir, 'grid.png')))).toEqual(Array.from(grid));
  });
});

describe('PNG input and output', () => {
  function writePng(name: string, width: number, height: number, channels: 1 | 3 = 1): string {
    const rng = new Rng(width);
    const pixels = new Uint8Array(width * height * channels).map(() => Math.floor(rng.uniform() * 256));
    const path = join(dir, name);
    writeFileSync(path, encodePng(pixels, width, height, channels));
    return path;
  }

  it('reads a PNG of the model size into one row and writes the denoised PNG', () => {
    const input = writePng('noisy.png', 28, 28);
    const { row, shape } = readImageRow(input, 784, demo.denoiser.imageShape);
    expect([row.rows, row.cols]).toEqual([1, 784]);
    expect(shape).toEqual({ height: 28, width: 28, channels: 1 });
    const output = join(dir, 'denoised.png');
    denoisePngFile(demo.denoiser, input, output);
    const written = decodePng(readFileSync(output), output);
    expect([written.width, written.height, written.channels]).toEqual([28, 28, 1]);
    const expected = demo.denoiser.denoise(row).data;
    for (let i = 0; i < 784; i += 37) expect(written.data[i]).toBeCloseTo(Math.round(expected[i]! * 255) / 255, 6);
    expect(() => denoisePngFile(demo.denoiser, input, output)).toThrow(/exists/);
  });

  it('names both sizes when the image does not fit the model', () => {
    const big = writePng('big.png', 32, 30);
    expect(() => readImageRow(big, 784, demo.denoiser.imageShape)).toThrow(
      /big.png is 32×30 grayscale \(960 values\), but the model expects 28×28 grayscale \(784 values\)/,
    );
    const colour = writePng('colour.png', 28, 28, 3);
    expect(() => readImageRow(colour, 784, demo.denoiser.imageShape)).toThrow(/28×28 colour \(2352 values\)/);
    expect(() => readImageRow(big, 784)).toThrow(/but the model expects 784 values per image/);
    expect(() => readImageRow(join(dir, 'missing.png'), 784)).toThrow(/missing.png: cannot read the image/);
  });
});

describe('AutoencoderDenoiser', () => {
  /** Smooth rows (sums of two sines) in arbitrary units: a tabular denoising problem. */
  function smooth(rows: number, seed: number): Matrix {
    const rng = new Rng(seed);
    const data = new Float32Array(rows * 16);
    for (let r = 0; r < rows; r++) {
      const a = rng.normal();
      const b = rng.normal();
      for (let c = 0; c < 16; c++) data[r * 16 + c] = 50 + 20 * (a * Math.sin(c / 3) + b * Math.cos(c / 5));
    }
    return { data, rows, cols: 16 };
  }

  it('denoises data outside [0, 1] with standard scaling and saves its settings', async () => {
    const clean = smooth(600, 1);
    const denoiser = await new AutoencoderDenoiser({ latentDim: 4, epochs: 200, corruption: { kind: 'gaussian', sigma: 0.3 } }).fit(clean);
    expect(denoiser.model.scaler?.kind).toBe('standard');
    expect(denoiser.model.outputActivation).toBe('identity');
    const test = smooth(100, 2);
    const rng = new Rng(3);
    const noisy = { ...test, data: test.data.map((v) => v + 5 * rng.normal()) };
    const e = denoiser.evaluate(test, noisy, { maxValue: 100 });
    expect(e.denoisedMse).toBeLessThan(e.noisyMse / 2);
    expect(e.noisySsim).toBeUndefined();
    const loaded = modelFromBytes(modelToBytes(denoiser.model, undefined, denoiser.denoiserExtra()), 'd.safetensors');
    const back = AutoencoderDenoiser.fromLoaded(loaded, 'd.safetensors');
    expect(back.corruption).toEqual({ kind: 'gaussian', sigma: 0.3 });
    expect(Array.from(back.denoise(noisy).data)).toEqual(Array.from(denoiser.denoise(noisy).data));
  });

  it('rejects mismatched data and shapes', async () => {
    const clean = smooth(50, 4);
    await expect(new AutoencoderDenoiser({ imageShape: { height: 4, width: 5, channels: 1 } }).fit(clean)).rejects.toThrow(
      /the training data has 16 values per row, but an image of 4×5×1 has 20/,
    );
    const denoiser = await new AutoencoderDenoiser({ epochs: 1 }).fit(clean);
    const half = { data: clean.data.subarray(0, 25 * 16), rows: 25, cols: 16 };
    expect(() => denoiser.evaluate(clean, half)).toThrow(/the clean data is 50×16 but the noisy data 25×16/);
    expect(() => new AutoencoderDenoiser().denoise(clean)).toThrow(/not fitted yet/);
  });
});
