/**
 * Checkpoints through the CLI: "train 4 epochs" and "train 2 with --checkpoint, then --resume to
 * 4" give bit-for-bit identical weights (same data, same seed, js backend), with dropout and
 * input noise in play so every random stream has to be restored.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
