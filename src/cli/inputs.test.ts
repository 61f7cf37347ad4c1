/**
 * Messages about the inputs a user names: a labels file is named when its labels are bad, a model
 * argument that is not a model file hints at the argument order, a PNG that is not one is named
 * as such, a code as wide as the input is refused, and conv families describe their layers.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { encodeNpy } from '../data/npy.js';
import { encodePng } from '../report/png.js';
import { runCli } from './test-utils/capture.js';

const ROWS = 40;
const ORDER_HINT = 'the first argument is the model file (.safetensors), the second the data';

let dir: string;
let data: string;
let csv: string;
let model: string;

function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

function labelsNpy(name: string, value: (i: number) => number): string {
  return file(
    name,
    encodeNpy(
      matrix(
        Float32Array.from({ length: ROWS }, (_, i) => value(i)),
        ROWS,
        1,
      ),
    ),
  );
}

const FAST = ['--epochs', '1', '--backend', 'js', '--quiet'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latent-inputs-'));
  const values = Float32Array.from({ length: ROWS * 4 }, (_, i) => Math.sin(i * 0.7));
  data = file('rows.npy', encodeNpy(matrix(values, ROWS, 4)));
  const lines = ['a,b,c,d'];
  for (let r = 0; r < ROWS; r++) lines.push(Array.from(values.subarray(r * 4, r * 4 + 4), (v) => v.toFixed(4)).join(','));
  csv = file('rows.csv', `${lines.join('\n')}\n`);
  model = join(dir, 'rows.safetensors');
  const run = await runCli('train', data, '--latent', '2', '-o', model, ...FAST);
  expect(run.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('labels errors name the labels file', () => {
  const bad = (i: number): number => (i === 1 ? 2 : i % 5 === 0 ? 1 : 0);

  it('evaluate MODEL DATA --labels FILE', async () => {
    const labels = labelsNpy('labels_bad.npy', bad);
    const run = await runCli('evaluate', model, data, '--labels', labels, '--backend', 'js');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${labels}: the label of data row 1 (counted from 0, for ${data}) is 2; labels must be 0`);
  });

  it('evaluate DATA --labels FILE, before any training', async () => {
    const labels = labelsNpy('all_zero.npy', () => 0);
    const run = await runCli('evaluate', data, '--labels', labels, '--backend', 'js', '-q');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${labels}: all ${ROWS} labels are 0 (normal)`);
  });
});

describe('a model argument that is not a model file', () => {
  it('swapped arguments get the argument-order hint', async () => {
    const run = await runCli('encode', csv, model, '-o', join(dir, 'swapped.csv'), '--backend', 'js');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`hint: ${ORDER_HINT}`);
    const evaluate = await runCli('evaluate', csv, model, '--backend', 'js');
    expect(evaluate.code).toBe(1);
    expect(evaluate.stderr).toContain(`hint: ${ORDER_HINT}: run latent evaluate ${model} ${csv}`);
  });

  it('a .safetensors name holding other data gets the hint too', async () => {
    const fake = file('fake.safetensors', readFileSync(csv));
    const run = await runCli('reconstruct', fake, csv, '-o', join(dir, 'fake-out.csv'), '--backend', 'js');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`hint: ${ORDER_HINT}`);
    const info = await runCli('info', fake);
    expect(info.stderr).toContain('hint: the argument is a model file (.safetensors) written by latent train');
  });

  it('a missing model file keeps its own message and hint', async () => {
    const run = await runCli('encode', join(dir, 'none.safetensors'), csv, '-o', join(dir, 'none.csv'), '--backend', 'js');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('does not exist');
    expect(run.stderr).not.toContain(ORDER_HINT);
  });
});

describe('denoise: a .png input that is not a readable PNG', () => {
  const denoise = (input: string) => runCli('denoise', model, input, '-o', join(dir, 'clean.png'), '--force', '--backend', 'js');
  const png = encodePng(new Uint8Array(16).fill(128), 4, 4, 1);

  it.each([
    ['text.png', new TextEncoder().encode('a,b\n1,2\n'), 'the file does not start with the PNG signature'],
    ['photo.png', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16), 'the file holds a JPEG image, not a PNG'],
    ['cut.png', png.slice(0, png.length - 20), 'the file ends before the PNG end marker: it is truncated'],
    ['empty.png', new Uint8Array(0), 'the file is empty'],
  ])('%s', async (name, bytes, problem) => {
    const path = file(name, bytes);
    const run = await denoise(path);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${path}: not a readable PNG (${problem})`);
    expect(run.stderr).not.toContain('waitng');
  });
});

describe('--latent as wide as the input', () => {
  it('is refused for dense models with the number of features', async () => {
    const run = await runCli('train', csv, '--latent', '4', '-o', join(dir, 'wide.safetensors'), ...FAST);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--latent 4 equals the 4 features of ${csv}`);
    expect(run.stderr).toContain('choose --latent below 4');
  });

  it.each(['vae', 'contractive'])('is refused for --model %s', async (family) => {
    const run = await runCli('train', csv, '--model', family, '--latent', '4', '-o', join(dir, `${family}.safetensors`), ...FAST);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--latent 4 equals the 4 features');
  });
});

describe('conv families describe their layers', () => {
  let images: string;
  beforeAll(() => {
    const pixels = Float32Array.from({ length: 32 * 64 }, (_, i) => (i % 9) / 9);
    images = file('images.npy', encodeNpy(matrix(pixels, 32, 64)));
  });

  it('train and info for --model conv', async () => {
    const out = join(dir, 'conv.safetensors');
    const args = ['--model', 'conv', '--image-shape', '1,8,8', '--conv-channels', '4,8', '--latent', '3'];
    const run = await runCli('train', images, ...args, '-o', out, '--epochs', '1', '--backend', 'js');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`training a conv autoencoder 1×8×8 → conv 4, 8 (k3 s2) → 3 → … on ${images} (32 samples × 64 features)`);
    const info = await runCli('info', out);
    expect(info.stdout).toMatch(/layers +1×8×8 → conv 4, 8 \(k3 s2\) → 3 → …\n/);
  });

  it('train and info for --model conv1d', async () => {
    const out = join(dir, 'conv1d.safetensors');
    const args = ['--model', 'conv1d', '--channels', '2', '--conv-channels', '4', '--kernel', '5', '--stride', '4', '--latent', '3'];
    const run = await runCli('train', images, ...args, '-o', out, '--epochs', '1', '--backend', 'js');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('training a conv1d autoencoder 2×32 → conv1d 4 (k5 s4) → 3 → … on');
    const info = await runCli('info', out);
    expect(info.stdout).toMatch(/layers +2×32 → conv1d 4 \(k5 s4\) → 3 → …\n/);
  });
});
