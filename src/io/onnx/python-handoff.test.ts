/**
 * The PyTorch hand-off script (examples/pytorch/load_latent.py) in its NumPy mode: it reads a
 * trained model file written by latent — safetensors header, config and scaler from the metadata,
 * weights by state-dict key — and must encode, decode and reconstruct to latent's numbers.
 * Skipped when python3 with NumPy is not installed.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from '../../data/npy.js';
import type { Matrix } from '../../data/matrix.js';
import { fitScaler } from '../../data/scaler.js';
import { saveModel } from '../model-node.js';
import { buildModel, parseModelConfig, type Autoencoder } from '../../models/index.js';
import { lowRankRows } from '../../models/test-utils/synthetic.js';
import { expectAllClose } from '../../test-utils/close.js';
import { fit } from '../../train/trainer.js';
import { randomRows } from './test-utils/ort.js';

const SCRIPT = resolve(process.cwd(), 'examples/pytorch/load_latent.py');
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

function runScript(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('python3', [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readNpy(path: string): Matrix {
  return parseNpy(new Uint8Array(readFileSync(path)), path).matrix;
}

const CONFIGS: Array<[string, Record<string, unknown>]> = [
  [
    'dense with dropout, gelu, sigmoid output',
    { kind: 'dense', inputDim: 12, hidden: [10, 6], latentDim: 3, activation: 'gelu', outputActivation: 'sigmoid', dropout: 0.1, seed: 3 },
  ],
  [
    'dense with elu and a tanh latent',
    { kind: 'dense', inputDim: 12, hidden: [8], latentDim: 2, activation: 'elu', latentActivation: 'tanh', seed: 4 },
  ],
  ['sparse', { kind: 'sparse', inputDim: 12, hidden: [10], latentDim: 14, activation: 'leakyRelu', l1: 1e-3, seed: 5 }],
  ['contractive', { kind: 'contractive', inputDim: 12, latentDim: 4, lambda: 0.01, outputActivation: 'softplus', seed: 6 }],
  ['vae with warm-up', { kind: 'vae', inputDim: 12, hidden: [9], latentDim: 2, activation: 'tanh', warmupSteps: 5, seed: 7 }],
];

describe.skipIf(!hasNumpy)('load_latent.py --numpy', () => {
  let dir: string;
  const data = lowRankRows(64, 12, 3, 2);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-python-'));
    writeFileSync(join(dir, 'data.npy'), encodeNpy(data));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(CONFIGS)('%s', (name, raw) => {
    let model: Autoencoder;
    let path: string;

    beforeAll(async () => {
      model = buildModel(parseModelConfig(raw, 'config'));
      // A scaler that moves the data well away from [0, 1], so a missed scaling step shows.
      model.scaler = fitScaler('standard', data);
      await fit(model, model.scale(data), { epochs: 3, batchSize: 16, seed: 1, optimizer: { name: 'adam', lr: 1e-2 } });
      path = join(dir, `${name.replace(/\W+/g, '-')}.safetensors`);
      saveModel(path, model);
    });

    it('encodes like latent', () => {
      const out = join(dir, `${model.config.kind}-codes.npy`);
      const run = runScript('--numpy', path, '--encode', join(dir, 'data.npy'), '--out', out);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const codes = readNpy(out);
      expect([codes.rows, codes.cols]).toEqual([64, model.latentDim]);
      expectAllClose(codes.data, model.encode(data).data, 1e-5, 1e-4);
    });

    it('reconstructs and decodes like latent', () => {
      const out = join(dir, `${model.config.kind}-recon.npy`);
      expect(runScript('--numpy', path, '--reconstruct', join(dir, 'data.npy'), '--out', out).status).toBe(0);
      expectAllClose(readNpy(out).data, model.reconstruct(data).data, 1e-5, 1e-4);
      const codes = randomRows(5, model.latentDim, 3);
      writeFileSync(join(dir, 'codes.npy'), encodeNpy(codes));
      const decoded = join(dir, `${model.config.kind}-decoded.npy`);
      expect(runScript('--numpy', path, '--decode', join(dir, 'codes.npy'), '--out', decoded).status).toBe(0);
      expectAllClose(readNpy(decoded).data, model.decode(codes).data, 1e-5, 1e-4);
    });
  });

  it('explains that NumPy mode does not run convolutional models', () => {
    const conv = buildModel(
      parseModelConfig({ kind: 'conv', channels: 1, height: 6, width: 6, convChannels: [2], latentDim: 3 }, 'config'),
    );
    const path = join(dir, 'conv.safetensors');
    saveModel(path, conv);
    const run = runScript('--numpy', path, '--encode', join(dir, 'data.npy'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("this model is 'conv' (use PyTorch)");
  });
});
