/**
 * Every model family trained from the command line on a few hundred MNIST digits (an NPY file of
 * shape [rows, 28, 28], so the image shape comes from the data), saved, described by `info`, and
 * reloaded: `encode` from the CLI must equal the library's encode of the same file. Plus the VAE
 * commands `sample` and `interpolate`, and the family flags' error messages.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node-loaders.js';
import { loadMnist } from '../data/node.js';
import { buildNpy } from '../data/test-utils/npy-bytes.js';
import { loadModel } from '../io/model-node.js';
import { decodePng } from '../report/png.js';
import { matrix } from '../data/matrix.js';
import { planeAxis, planeCodes } from '../tasks/latent-plane.js';
import { runCli } from './test-utils/capture.js';

const ROWS = 256;

let dir: string;
let digits: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'latent-families-'));
  digits = join(dir, 'digits.npy');
  const x = loadMnist().train.x.data.subarray(0, ROWS * 784);
  writeFileSync(
    digits,
    buildNpy({ descr: '<f4', shape: [ROWS, 28, 28], body: new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)) }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAMILIES: Array<[string, string[], Record<string, unknown>]> = [
  ['dense', ['--latent', '8', '--hidden', '32'], { kind: 'dense', latentDim: 8, hidden: [32] }],
  [
    'conv',
    ['--latent', '8', '--conv-channels', '4,8'],
    { kind: 'conv', convChannels: [4, 8], kernel: 3, stride: 2, channels: 1, height: 28, width: 28 },
  ],
  [
    'vae',
    ['--latent', '4', '--hidden', '32', '--beta', '0.5', '--warmup-steps', '3'],
    { kind: 'vae', beta: 0.5, warmupSteps: 3, likelihood: 'bernoulli', imageShape: [28, 28] },
  ],
  [
    'sparse',
    ['--latent', '16', '--hidden', 'none', '--rho', '0.1', '--sparsity-weight', '0.5', '--l1', '0.001'],
    { kind: 'sparse', rho: 0.1, sparsityWeight: 0.5, l1: 0.001 },
  ],
  ['contractive', ['--latent', '8', '--contractive-weight', '0.01'], { kind: 'contractive', lambda: 0.01, hidden: [] }],
  [
    'conv1d',
    ['--latent', '8', '--conv-channels', '4', '--kernel', '5', '--stride', '4', '--channels', '4'],
    { kind: 'conv1d', channels: 4, length: 196, kernel: 5, stride: 4 },
  ],
];

describe.each(FAMILIES)('latent train --model %s', (family, flags, expected) => {
  it('trains, saves, describes and encodes exactly as the library does', async () => {
    const model = join(dir, `${family}.safetensors`);
    const train = await runCli(
      'train',
      digits,
      '--model',
      family,
      ...flags,
      '-o',
      model,
      '--epochs',
      '2',
      '--batch-size',
      '64',
      '--backend',
      'js',
      '--quiet',
    );
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const loaded = loadModel(model);
    expect(loaded.model.config).toMatchObject(expected);
    expect(loaded.training?.epochs).toBe(2);

    const info = await runCli('info', model);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(family);

    const codes = join(dir, `${family}-codes.npy`);
    const encode = await runCli('encode', model, digits, '-o', codes, '--backend', 'js');
    expect(encode.code).toBe(0);
    const fromCli = loadDataset(codes).x;
    const fromLibrary = loaded.model.encode(loadDataset(digits).x);
    expect(fromCli.rows).toBe(ROWS);
    expect(fromCli.cols).toBe(loaded.model.latentDim);
    expect(fromCli.data).toEqual(fromLibrary.data);
  });
});

describe('latent sample / interpolate', () => {
  it('draws prior samples of a VAE as a PNG grid and as NPY, repeatably', async () => {
    const model = join(dir, 'vae.safetensors');
    const png = join(dir, 'samples.png');
    const run = await runCli('sample', model, '-n', '9', '-o', png, '--seed', '3', '--backend', 'js');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const image = decodePng(readFileSync(png), png);
    // 3 × 3 digits of 28 px drawn at 2×, with 2 px gaps.
    expect(image.width).toBe(3 * 56 + 4 * 2);
    const npy = join(dir, 'samples.npy');
    await runCli('sample', model, '-n', '9', '-o', npy, '--seed', '3', '--backend', 'js');
    const again = join(dir, 'samples-again.npy');
    await runCli('sample', model, '-n', '9', '-o', again, '--seed', '3', '--backend', 'js');
    const a = loadDataset(npy).x;
    expect(a.rows).toBe(9);
    expect(a.cols).toBe(784);
    expect(loadDataset(again).x.data).toEqual(a.data);
  });

  it('decodes the latent plane with --grid: the library grid, as a PNG and as rows', async () => {
    const model = join(dir, 'vae.safetensors');
    const npy = join(dir, 'plane.npy');
    const run = await runCli('sample', model, '--grid', '5', '-o', npy, '--backend', 'js');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { model: vae } = loadModel(model);
    const rows = (vae.latentDim > 1 ? 5 : 1) * 5;
    expect(run.stdout).toContain(`wrote the latent plane (${rows / 5}×5 points`);
    const plane = loadDataset(npy).x;
    const expected = vae.decode(matrix(planeCodes(planeAxis(5), vae.latentDim), rows, vae.latentDim));
    expect(plane.rows).toBe(rows);
    expect(plane.data).toEqual(expected.data);
    // Neighbouring cells decode different points, so the images differ.
    expect(plane.data.subarray(0, 784)).not.toEqual(plane.data.subarray(784, 2 * 784));
    const png = join(dir, 'plane.png');
    expect((await runCli('sample', model, '--grid', '5', '-o', png, '--backend', 'js')).code).toBe(0);
    expect(decodePng(readFileSync(png), png).width).toBe(5 * 56 + 6 * 2);
    const both = await runCli('sample', model, '--grid', '5', '-n', '9', '-o', join(dir, 'both.npy'));
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--grid decodes a fixed grid of latent points, so --count has nothing to choose/);
  });

  it('interpolates between two rows, both ends included', async () => {
    const model = join(dir, 'vae.safetensors');
    const npy = join(dir, 'strip.npy');
    const run = await runCli('interpolate', model, digits, '--from', '0', '--to', '5', '--steps', '6', '-o', npy, '--backend', 'js');
    expect(run.code).toBe(0);
    const strip = loadDataset(npy).x;
    expect(strip.rows).toBe(6);
    const { model: vae } = loadModel(model);
    const ends = vae.reconstruct(loadDataset(digits).x);
    // Decoding the code of row 0 (t = 0) is the reconstruction of row 0.
    for (let i = 0; i < 784; i += 97) expect(strip.data[i]).toBeCloseTo(ends.data[i]!, 5);
    const png = join(dir, 'strip.png');
    expect((await runCli('interpolate', model, digits, '--from', '0', '--to', '5', '-o', png, '--backend', 'js')).code).toBe(0);
    expect(decodePng(readFileSync(png), png).width).toBe(10 * 56 + 11 * 2);
  });

  it('refuses non-VAE models, rows past the end, and family flags of another family', async () => {
    const dense = join(dir, 'dense.safetensors');
    const notVae = await runCli('sample', dense, '-o', join(dir, 'x.npy'));
    expect(notVae.code).toBe(1);
    expect(notVae.stderr).toMatch(/holds a dense autoencoder; latent sample needs a variational one/);
    const past = await runCli(
      'interpolate',
      join(dir, 'vae.safetensors'),
      digits,
      '--from',
      '0',
      '--to',
      String(ROWS),
      '-o',
      join(dir, 'y.npy'),
    );
    expect(past.stderr).toMatch(new RegExp(`--to ${ROWS} is past the last row .*${ROWS} rows`));
    const wrong = await runCli('train', digits, '--model', 'dense', '--beta', '2', '-o', join(dir, 'z.safetensors'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--beta applies to --model vae, not --model dense/);
    const shape = await runCli('train', digits, '--model', 'conv', '--image-shape', '1,20,20', '-o', join(dir, 'w.safetensors'));
    expect(shape.stderr).toMatch(/--image-shape 1,20,20 holds 400 values, but .* has 784 features/);
  });
});
