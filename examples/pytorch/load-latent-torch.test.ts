/**
 * The PyTorch hand-off script (examples/pytorch/load_latent.py) in its torch mode: every model
 * family, written by latent, is rebuilt as torch.nn modules, loaded with strict=True, and must
 * encode, decode and reconstruct to latent's numbers. The configs pick the geometry that is easy
 * to get wrong (several input channels, non-square and odd sizes whose transposed convolutions
 * need no output padding, stride 1, kernels wider than 3) and every activation.
 *
 * Skipped when no python3 on this machine imports torch (CI machines usually have none). Debian's
 * python3-torch installs into /usr/bin/python3, which a pyenv or venv python3 on PATH does not see,
 * so both are tried.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pythonImporting, runPython as runPythonWith, type PythonRun } from '../test-utils/python.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, encodeNpy, fit, fitScaler, parseModelConfig, parseNpy, type Autoencoder, type Matrix } from '../../src/index.js';
import { saveCheckpoint, saveModel } from '../../src/node.js';
import { randomRows, randomizeWeights } from '../../src/io/onnx/test-utils/ort.js';
import { expectAllClose } from '../../src/test-utils/close.js';

const SCRIPT = resolve(process.cwd(), 'examples/pytorch/load_latent.py');

const PYTHON = pythonImporting('torch');

function runPython(args: string[]): PythonRun {
  return runPythonWith(PYTHON, args);
}

function runScript(...args: string[]): PythonRun {
  return runPython([SCRIPT, ...args]);
}

function readNpy(path: string): Matrix {
  return parseNpy(new Uint8Array(readFileSync(path)), path).matrix;
}

const CONFIGS: Array<[string, Record<string, unknown>]> = [
  [
    'dense with dropout, gelu, sigmoid output',
    { kind: 'dense', inputDim: 12, hidden: [10, 6], latentDim: 3, activation: 'gelu', outputActivation: 'sigmoid', dropout: 0.3, seed: 3 },
  ],
  [
    'dense with elu, a tanh latent and identity output',
    { kind: 'dense', inputDim: 12, hidden: [8], latentDim: 2, activation: 'elu', latentActivation: 'tanh', seed: 4 },
  ],
  ['sparse with leakyRelu', { kind: 'sparse', inputDim: 12, hidden: [10], latentDim: 14, activation: 'leakyRelu', l1: 1e-3, seed: 5 }],
  [
    'contractive with softplus output',
    { kind: 'contractive', inputDim: 12, latentDim: 4, lambda: 0.01, outputActivation: 'softplus', seed: 6 },
  ],
  ['vae with warm-up', { kind: 'vae', inputDim: 12, hidden: [9], latentDim: 2, activation: 'tanh', warmupSteps: 5, seed: 7 }],
  ['gaussian vae', { kind: 'vae', inputDim: 12, hidden: [9, 5], latentDim: 3, activation: 'relu', likelihood: 'gaussian', seed: 8 }],
  [
    'conv, 2 channels, 9x7 image',
    { kind: 'conv', channels: 2, height: 9, width: 7, convChannels: [3, 4], latentDim: 5, outputActivation: 'sigmoid', seed: 9 },
  ],
  [
    'conv, stride 1, kernel 4, no padding, tanh',
    {
      kind: 'conv',
      channels: 1,
      height: 6,
      width: 8,
      convChannels: [2],
      kernel: 4,
      stride: 1,
      padding: 0,
      latentDim: 6,
      activation: 'tanh',
      seed: 10,
    },
  ],
  [
    'conv1d, 2 channels, kernel 5, stride 3, elu',
    {
      kind: 'conv1d',
      channels: 2,
      length: 13,
      convChannels: [3, 5],
      kernel: 5,
      stride: 3,
      padding: 1,
      latentDim: 4,
      activation: 'elu',
      seed: 11,
    },
  ],
  [
    'conv1d, identity activation',
    { kind: 'conv1d', channels: 1, length: 16, convChannels: [4, 4], latentDim: 3, activation: 'identity', seed: 12 },
  ],
];

describe.skipIf(PYTHON === null)('load_latent.py with PyTorch', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-torch-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(CONFIGS)('%s', (name, raw) => {
    let model: Autoencoder;
    let path: string;
    let data: Matrix;
    const slug = name.replace(/\W+/g, '-');

    beforeAll(() => {
      model = buildModel(parseModelConfig(raw, 'config'));
      // Fresh models have zero biases; random weights make a misplaced layer or bias show.
      randomizeWeights(model, 21);
      data = randomRows(9, model.inputDim, 22, 3);
      // A scaler far from the identity, so a missed scaling step shows.
      model.scaler = fitScaler('standard', randomRows(40, model.inputDim, 23, 5));
      path = join(dir, `${slug}.safetensors`);
      saveModel(path, model);
      writeFileSync(join(dir, `${slug}-data.npy`), encodeNpy(data));
    });

    it('encodes like latent', () => {
      const out = join(dir, `${slug}-codes.npy`);
      const run = runScript(path, '--encode', join(dir, `${slug}-data.npy`), '--out', out);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const codes = readNpy(out);
      expect([codes.rows, codes.cols]).toEqual([9, model.latentDim]);
      expectAllClose(codes.data, model.encode(data).data, 1e-5, 1e-4);
    });

    it('reconstructs and decodes like latent', () => {
      const out = join(dir, `${slug}-recon.npy`);
      const run = runScript(path, '--reconstruct', join(dir, `${slug}-data.npy`), '--out', out);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const recon = readNpy(out);
      expect([recon.rows, recon.cols]).toEqual([9, model.inputDim]);
      expectAllClose(recon.data, model.reconstruct(data).data, 1e-5, 1e-4);

      const codes = randomRows(5, model.latentDim, 24);
      writeFileSync(join(dir, `${slug}-z.npy`), encodeNpy(codes));
      const decoded = join(dir, `${slug}-decoded.npy`);
      expect(runScript(path, '--decode', join(dir, `${slug}-z.npy`), '--out', decoded).status).toBe(0);
      expectAllClose(readNpy(decoded).data, model.decode(codes).data, 1e-5, 1e-4);
    });
  });

  it('loads a checkpoint, takes float64 rows and lets gradients flow for fine-tuning', async () => {
    // No scaler: NumPy's float64 rows then reach the float32 weights unless the model casts them.
    const model = buildModel(
      parseModelConfig({ kind: 'dense', inputDim: 6, hidden: [5], latentDim: 2, activation: 'tanh', seed: 13 }, 'config'),
    );
    const data = randomRows(32, 6, 25);
    const path = join(dir, 'checkpoint.safetensors');
    await fit(model, data, {
      epochs: 2,
      batchSize: 8,
      seed: 1,
      validationSplit: 0,
      optimizer: { name: 'adam', lr: 1e-2 },
      onCheckpoint: (state) => saveCheckpoint(path, model, state),
    });
    const first = Array.from(data.data.subarray(0, 6));
    const program = [
      'import sys, json, numpy as np, torch',
      `sys.path.insert(0, ${JSON.stringify(resolve(process.cwd(), 'examples/pytorch'))})`,
      'from load_latent import load_torch_model',
      `model = load_torch_model(${JSON.stringify(path)})`,
      `x = np.array([${first.join(',')}], dtype=np.float64).reshape(1, 6)`,
      'codes = model.encode(torch.from_numpy(x))',
      'loss = model(torch.from_numpy(x)).sum()',
      'loss.backward()',
      'grad = model.encoder[0].weight.grad',
      'print(json.dumps({"codes": codes.detach().tolist()[0], "dtype": str(codes.dtype), "grad": bool(grad is not None and grad.abs().sum() > 0)}))',
    ].join('\n');
    const run = runPython(['-c', program]);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { codes: number[]; dtype: string; grad: boolean };
    expect(result.dtype).toBe('torch.float32');
    expect(result.grad).toBe(true);
    expectAllClose(result.codes, model.encode(data).data.subarray(0, 2), 1e-5, 1e-4);
  });
});
