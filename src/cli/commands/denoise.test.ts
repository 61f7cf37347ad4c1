/**
 * `latent denoise` and `latent denoise-demo` on small MNIST subsets: a model trained with
 * `latent train --noise` denoises rows (PSNR gain printed and checked against the library), a PNG
 * is read at the model's image size and written back with its noisy version, and the demo writes
 * its picture and a model that knows its image shape.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from '../../data/matrix.js';
import { loadDataset } from '../../data/node-loaders.js';
import { loadMnist } from '../../data/node-mnist.js';
import { encodeNpy } from '../../data/npy.js';
import { loadModel } from '../../io/model-node.js';
import { decodePng, encodePng } from '../../report/png.js';
import { AutoencoderDenoiser } from '../../tasks/denoiser.js';
import { Rng } from '../../tensor/rng.js';
import { corrupt } from '../../train/corruption.js';
import { runCli } from '../test-utils/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'latent-cli-denoise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first `rows` MNIST training digits as a 2-D .npy file (pixels in [0, 1]). */
function mnistSubset(rows: number): string {
  const { train } = loadMnist();
  const path = join(dir, `mnist-${rows}.npy`);
  writeFileSync(path, encodeNpy(matrix(train.x.data.slice(0, rows * 784), rows, 784)));
  return path;
}

function numbers(stdout: string, label: string): number[] {
  const line = stdout.split('\n').find((l) => l.trimStart().startsWith(label));
  if (line === undefined) throw new Error(`no "${label}" line in:\n${stdout}`);
  return line.trim().slice(label.length).trim().split(/\s+/).map(Number);
}

describe('latent train --noise, then latent denoise on rows', () => {
  let model: string;

  beforeAll(async () => {
    model = join(dir, 'dae.safetensors');
    const run = await runCli(
      'train',
      mnistSubset(1500),
      '-o',
      model,
      '--noise',
      'gaussian:0.5',
      '--latent',
      '32',
      '--hidden',
      '128',
      '--epochs',
      '4',
      '--backend',
      'js',
      '--quiet',
    );
    expect(run.code).toBe(0);
  });

  it('corrupts the clean test digits (seeded, clipped) and prints MSE/PSNR/SSIM of noisy vs denoised', async () => {
    const out = join(dir, 'denoised.npy');
    const run = await runCli('denoise', model, 'mnist:test', '-o', out, '--noise', 'gaussian:0.5', '--seed', '7');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('corrupted 2004 rows of mnist:test with gaussian:0.5 (seed 7, clipped to [0, 1])');
    const [noisyPsnr, denoisedPsnr] = numbers(run.stdout, 'PSNR dB (peak 1)') as [number, number];
    // The same noise through the library gives the same numbers.
    const clean = loadMnist().test.x;
    const noisy = matrix(corrupt(clean.data, { kind: 'gaussian', sigma: 0.5 }, new Rng(7), [0, 1]), clean.rows, clean.cols);
    const expected = AutoencoderDenoiser.fromLoaded(loadModel(model), model).evaluate(clean, noisy, {
      imageShape: { height: 28, width: 28, channels: 1 },
    });
    expect(noisyPsnr).toBe(Number(expected.noisyPsnr.toFixed(2)));
    expect(denoisedPsnr).toBe(Number(expected.denoisedPsnr.toFixed(2)));
    expect(numbers(run.stdout, 'SSIM')).toEqual([Number(expected.noisySsim!.toFixed(4)), Number(expected.denoisedSsim!.toFixed(4))]);
    // σ = 0.5 clipped leaves about 9.4 dB; even this short run gains several dB.
    expect(noisyPsnr).toBeGreaterThan(8.5);
    expect(noisyPsnr).toBeLessThan(10.5);
    expect(denoisedPsnr - noisyPsnr).toBeGreaterThan(3);
    expect(run.stdout).toMatch(/PSNR gain \+\d+\.\d\d dB/);
    const written = loadDataset(out).x;
    expect([written.rows, written.cols]).toEqual([2004, 784]);
  });

  it('without --noise writes the reconstruction of the input as it is', async () => {
    const out = join(dir, 'plain.csv');
    const input = mnistSubset(20);
    const run = await runCli('denoise', model, input, '-o', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote 20 denoised rows of 784 values to ${out}\n`);
    const expected = loadModel(model).model.reconstruct(loadDataset(input).x);
    const got = loadDataset(out).x;
    for (let i = 0; i < 50; i++) expect(got.data[i]).toBeCloseTo(expected.data[i]!, 5);
  });
});

describe('latent denoise-demo, then latent denoise on a PNG', () => {
  const demoDir = join(dir, 'demo');
  let demoOut: string;

  beforeAll(async () => {
    const run = await runCli(
      'denoise-demo',
      '--train-rows',
      '1500',
      '--test-rows',
      '100',
      '--latent',
      '32',
      '--hidden',
      '128',
      '--epochs',
      '4',
      '-o',
      demoDir,
      '--backend',
      'js',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    demoOut = run.stdout;
  });

  it('prints noisy vs denoised PSNR/SSIM and writes the grid and a model with its image shape', async () => {
    expect(demoOut).toMatch(/^epoch 1\/4 {2}loss /m);
    const [noisyPsnr, denoisedPsnr] = numbers(demoOut, 'PSNR dB (peak 1)') as [number, number];
    expect(denoisedPsnr).toBeGreaterThan(noisyPsnr + 3);
    // SSIM needs a longer run than this one to improve (the train --noise test above checks that).
    const ssim = numbers(demoOut, 'SSIM');
    expect(ssim).toHaveLength(2);
    for (const v of ssim) expect(v).toBeGreaterThan(0);
    for (const v of ssim) expect(v).toBeLessThan(1);
    const grid = decodePng(new Uint8Array(readFileSync(join(demoDir, 'denoise-grid.png'))), 'grid');
    expect(grid.width).toBeGreaterThan(10 * 56); // ten digits drawn at 2×
    expect(grid.height).toBeGreaterThan(3 * 56); // clean, noisy, denoised
    const loaded = loadModel(join(demoDir, 'denoise-model.safetensors'));
    expect(loaded.model.config).toMatchObject({ inputDim: 784, hidden: [128], latentDim: 32 });
    expect(loaded.extra['denoiser']).toEqual({ corruption: 'gaussian:0.5', imageShape: { height: 28, width: 28, channels: 1 } });
    const again = await runCli('denoise-demo', '--train-rows', '100', '--epochs', '1', '-o', demoDir, '--backend', 'js');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('denoise-model.safetensors already exists');
    expect(again.stdout).toBe('');
  });

  it('denoises a 28×28 PNG, writing the noisy version beside the output', async () => {
    const digit = join(dir, 'digit.png');
    const pixels = Uint8Array.from(loadMnist().test.x.data.subarray(0, 784), (v) => Math.round(v * 255));
    writeFileSync(digit, encodePng(pixels, 28, 28, 1));
    const model = join(demoDir, 'denoise-model.safetensors');
    const out = join(dir, 'digit-clean.png');
    const run = await runCli('denoise', model, digit, '-o', out, '--noise', 'gaussian:0.5');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const noisyPath = join(dir, 'digit-clean-noisy.png');
    expect(run.stdout).toContain(`wrote the noisy image to ${noisyPath} and the denoised image to ${out}`);
    for (const path of [out, noisyPath]) {
      const png = decodePng(new Uint8Array(readFileSync(path)), path);
      expect([png.width, png.height, png.channels]).toEqual([28, 28, 1]);
    }
    const [noisyPsnr, denoisedPsnr] = numbers(run.stdout, 'PSNR dB (peak 1)') as [number, number];
    expect(denoisedPsnr).toBeGreaterThan(noisyPsnr);
    expect(numbers(run.stdout, 'SSIM')).toHaveLength(2);

    const plain = join(dir, 'digit-plain.png');
    const again = await runCli('denoise', model, digit, '-o', plain);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`wrote the denoised 28×28 image to ${plain}\n`);
    expect(existsSync(join(dir, 'digit-plain-noisy.png'))).toBe(false);
  });
});
