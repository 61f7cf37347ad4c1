/**
 * Checkpoints through the CLI: "train 4 epochs" and "train 2 with --checkpoint, then --resume to
 * 4" give bit-for-bit identical weights (same data, same seed, js backend), with dropout and
 * input noise in play so every random stream has to be restored. The checkpoint fixes the model,
 * the training options and the CSV columns: resuming with those flags left out continues the first
 * run exactly; giving one with another value fails, naming both values, and writes nothing.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNpy } from '../data/test-utils/npy-bytes.js';
import { loadModel } from '../io/model-node.js';
import { loadSafetensorsFile } from '../io/node-files.js';
import { runCli } from './test-utils/capture.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');
const COMMON = [
  '--latent',
  '4',
  '--hidden',
  '12',
  '--batch-size',
  '128',
  '--seed',
  '7',
  '--noise',
  'gaussian:0.1',
  '--backend',
  'js',
  '--quiet',
];

function tensors(path: string): Map<string, Float32Array> {
  return new Map([...loadSafetensorsFile(path).tensors].map(([name, t]) => [name, t.data]));
}

function sameBits(a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (y === undefined || x.length !== y.length) return false;
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
    for (let i = 0; i < xb.length; i++) if (xb[i] !== yb[i]) return false;
  }
  return true;
}

describe('latent train --checkpoint / --resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-cli-resume-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('2 + 2 epochs equal 4 epochs bit for bit', async () => {
    const straight = join(dir, 'straight.safetensors');
    const half = join(dir, 'half.safetensors');
    const resumed = join(dir, 'resumed.safetensors');
    const checkpoint = join(dir, 'ckpt.safetensors');
    expect((await runCli('train', CARDIO, '-o', straight, '--epochs', '4', '--dropout', '0.1', ...COMMON)).code).toBe(0);
    expect(
      (await runCli('train', CARDIO, '-o', half, '--epochs', '2', '--dropout', '0.1', '--checkpoint', checkpoint, ...COMMON)).code,
    ).toBe(0);

    const info = await runCli('info', checkpoint);
    expect(info.stdout).toContain('after epoch 2');

    const run = await runCli(
      'train',
      CARDIO,
      '-o',
      resumed,
      '--epochs',
      '4',
      '--resume',
      checkpoint,
      '--checkpoint',
      checkpoint,
      ...COMMON,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const a = tensors(straight);
    expect(a.has('encoder.0.weight')).toBe(true);
    expect(sameBits(a, tensors(resumed))).toBe(true);
    // The check can fail: two epochs fewer give other weights.
    expect(sameBits(a, tensors(half))).toBe(false);

    const more = await runCli('train', CARDIO, '-o', join(dir, 'none.safetensors'), '--epochs', '4', '--resume', checkpoint, ...COMMON);
    expect(more.code).toBe(1);
    expect(more.stderr).toContain('already holds 4 epochs');

    const clash = await runCli(
      'train',
      CARDIO,
      '-o',
      join(dir, 'none.safetensors'),
      '--epochs',
      '6',
      '--resume',
      checkpoint,
      ...COMMON,
      '--latent',
      '5',
      '--scale',
      'minmax',
    );
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("--latent 5 differs from the checkpoint's 4; --scale minmax differs from the checkpoint's standard");
  });
});

/** 48 smooth 8×8 images with values in [0, 1]. */
function imagesNpy(path: string): void {
  const rows = 48;
  const x = new Float32Array(rows * 64);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < 64; p++) x[i * 64 + p] = 0.5 + 0.5 * Math.sin(0.37 * i + 0.9 * Math.floor(p / 8) + 0.6 * (p % 8));
  }
  writeFileSync(path, buildNpy({ descr: '<f4', shape: [rows, 8, 8], body: new Uint8Array(x.buffer) }));
}

/** Training options of the first run, none of them the default, repeated by no resumed run. */
const OPTIONS = ['--batch-size', '16', '--lr', '0.003', '--seed', '5', '--noise', 'gaussian:0.1', '--lr-schedule', 'step:1:0.5'];
const FAST = ['--backend', 'js', '--quiet'];

/** family, its first-run flags, a flag given again with another value, the message it must give. */
const FAMILIES: Array<[string, string[], string[], string]> = [
  ['vae', ['--latent', '2', '--hidden', '16', '--beta', '0.5'], ['--beta', '4'], "--beta 4 differs from the checkpoint's 0.5"],
  [
    'conv',
    ['--latent', '4', '--conv-channels', '2,4'],
    ['--conv-channels', '4,8'],
    "--conv-channels 4,8 differs from the checkpoint's 2,4",
  ],
  [
    'sparse',
    ['--latent', '8', '--hidden', '16', '--rho', '0.1', '--sparsity-weight', '0.5'],
    ['--sparsity-weight', '2'],
    "--sparsity-weight 2 differs from the checkpoint's 0.5",
  ],
];

describe('latent train --resume: the checkpoint fixes the model and training flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-cli-resume-flags-'));
  const images = join(dir, 'images.npy');
  imagesNpy(images);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(FAMILIES)('--model %s: a clashing flag fails, omitted flags continue the first run', async (family, flags, clash, message) => {
    const straight = join(dir, `${family}-straight.safetensors`);
    const half = join(dir, `${family}-half.safetensors`);
    const checkpoint = join(dir, `${family}-ckpt.safetensors`);
    const resumed = join(dir, `${family}-resumed.safetensors`);
    const first = ['--model', family, ...flags, ...OPTIONS, ...FAST];
    expect((await runCli('train', images, '-o', straight, '--epochs', '3', ...first)).code).toBe(0);
    expect((await runCli('train', images, '-o', half, '--epochs', '2', '--checkpoint', checkpoint, ...first)).code).toBe(0);
    const saved = readFileSync(checkpoint);

    const bad = await runCli(
      'train',
      images,
      '-o',
      resumed,
      '--epochs',
      '3',
      '--resume',
      checkpoint,
      '--checkpoint',
      checkpoint,
      ...clash,
      ...FAST,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${message} (${checkpoint})`);
    expect(bad.stderr).toContain(`drop ${clash[0]}, or pass ${clash[0]} ${message.split("checkpoint's ")[1]} as in the first run`);
    expect(existsSync(resumed)).toBe(false);
    expect(readFileSync(checkpoint).equals(saved)).toBe(true);

    // Neither --model nor the family flags nor the training options: all come from the checkpoint.
    const run = await runCli('train', images, '-o', resumed, '--epochs', '3', '--resume', checkpoint, ...FAST);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const a = tensors(straight);
    expect(sameBits(a, tensors(resumed))).toBe(true);
    expect(sameBits(a, tensors(half))).toBe(false);
    expect(loadModel(resumed).training?.['options']).toMatchObject({
      model: family,
      batchSize: 16,
      lr: 0.003,
      seed: 5,
      noise: 'gaussian:0.1',
    });
  });
});

describe('latent train --resume on a CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-cli-resume-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the columns the checkpoint was trained on, and refuses other columns or training options', async () => {
    const csv = join(dir, 'lab.csv');
    const lines = ['id,a,b,c,d'];
    for (let i = 0; i < 40; i++)
      lines.push(`r${i},${Math.sin(i).toFixed(3)},${Math.cos(i).toFixed(3)},${(i % 7) / 7},${((i * 3) % 11) / 11}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const straight = join(dir, 'straight.safetensors');
    const checkpoint = join(dir, 'ckpt.safetensors');
    const resumed = join(dir, 'resumed.safetensors');
    const first = ['--columns', 'a,c,d', '--latent', '2', '--hidden', '4', '--batch-size', '8', ...FAST];
    expect((await runCli('train', csv, '-o', straight, '--epochs', '3', ...first)).code).toBe(0);
    const half = await runCli('train', csv, '-o', join(dir, 'half.safetensors'), '--epochs', '2', '--checkpoint', checkpoint, ...first);
    expect(half.code).toBe(0);
    const saved = readFileSync(checkpoint);

    const columns = await runCli('train', csv, '-o', resumed, '--epochs', '3', '--resume', checkpoint, '--columns', 'a,b,c', ...FAST);
    expect(columns.code).toBe(1);
    expect(columns.stderr).toContain("--columns a,b,c differs from the checkpoint's a,c,d");
    expect(columns.stderr).toContain('or pass --columns a,c,d as in the first run');

    const options = await runCli(
      'train',
      csv,
      '-o',
      resumed,
      '--epochs',
      '3',
      '--resume',
      checkpoint,
      '--batch-size',
      '32',
      '--clip-norm',
      '1',
      ...FAST,
    );
    expect(options.code).toBe(1);
    expect(options.stderr).toContain("--batch-size 32 differs from the checkpoint's 8; --clip-norm 1 differs from the checkpoint's none");
    expect(options.stderr).toContain('drop --batch-size and --clip-norm, or pass --batch-size 8 as in the first run');
    expect(existsSync(resumed)).toBe(false);
    expect(readFileSync(checkpoint).equals(saved)).toBe(true);

    // Without --columns the default feature set would be a,b,c,d; the checkpoint says a,c,d.
    const run = await runCli('train', csv, '-o', resumed, '--epochs', '3', '--resume', checkpoint, ...FAST);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(loadModel(resumed).training?.['columns']).toEqual(['a', 'c', 'd']);
    expect(sameBits(tensors(straight), tensors(resumed))).toBe(true);
  });
});
