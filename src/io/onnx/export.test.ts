/**
 * ONNX export checked against ONNX Runtime: for every family and part, the exported graph run by
 * onnxruntime-node on random rows matches latent's encode / decode / reconstruct to float32
 * tolerance (|Δ| ≤ 2e-5 · max|expected| + 1e-4 · |expected|), with random weights so biases and
 * every weight matter.
 */

import { describe, expect, it } from 'vitest';
import type { Activation } from '../../backend/backend.js';
import { fitScaler } from '../../data/scaler.js';
import { buildModel, parseModelConfig, type Autoencoder } from '../../models/index.js';
import { expectAllClose } from '../../test-utils/close.js';
import { exportOnnx, type OnnxExportOptions, type OnnxPart } from './export.js';
import { maxAbs, randomizeWeights, randomRows, runOrt } from './test-utils/ort.js';

const ROWS = 7;

function expectMatches(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expectAllClose(actual, expected, 2e-5 * Math.max(1, maxAbs(expected)), 1e-4);
}

function model(raw: Record<string, unknown>, seed = 5): Autoencoder {
  const m = buildModel(parseModelConfig(raw, 'config'));
  randomizeWeights(m, seed);
  return m;
}

/** Export `part`, run it in ONNX Runtime, and compare with the matching latent method. */
async function checkPart(m: Autoencoder, part: OnnxPart, options: OnnxExportOptions = {}, seed = 11): Promise<void> {
  const x = part === 'decoder' ? randomRows(ROWS, m.latentDim, seed) : randomRows(ROWS, m.inputDim, seed);
  const expected = part === 'encoder' ? m.encode(x) : part === 'decoder' ? m.decode(x) : m.reconstruct(x);
  const outputs = await runOrt(exportOnnx(m, part, options), x);
  const actual = outputs[part === 'encoder' ? 'latent' : 'reconstruction']!;
  expect([actual.rows, actual.cols]).toEqual([expected.rows, expected.cols]);
  expectMatches(actual.data, expected.data);
}

const PARTS: OnnxPart[] = ['encoder', 'decoder', 'full'];
const ACTIVATIONS: Activation[] = ['relu', 'leakyRelu', 'elu', 'gelu', 'sigmoid', 'tanh', 'softplus', 'identity'];

describe('dense autoencoder, each activation', () => {
  describe.each(ACTIVATIONS)('%s', (activation) => {
    const m = model({
      kind: 'dense',
      inputDim: 10,
      hidden: [9, 6],
      latentDim: 3,
      activation,
      latentActivation: 'tanh',
      outputActivation: 'sigmoid',
      dropout: 0.2,
    });
    it.each(PARTS)('%s matches ONNX Runtime at opset 17', async (part) => {
      await checkPart(m, part);
    });
  });

  it('uses one Gelu node from opset 20 and matches ONNX Runtime', async () => {
    const m = model({ kind: 'dense', inputDim: 8, hidden: [6], latentDim: 2, activation: 'gelu' });
    for (const part of PARTS) await checkPart(m, part, { opset: 20 });
    await checkPart(m, 'full', { opset: 21 });
  });

  it('keeps the output activation of the decoder, with identity and non-sigmoid outputs', async () => {
    for (const outputActivation of ['identity', 'tanh', 'softplus', 'leakyRelu'] as const) {
      await checkPart(model({ kind: 'dense', inputDim: 6, hidden: [5], latentDim: 2, outputActivation }), 'full');
    }
  });
});

const FAMILIES: Array<[string, Record<string, unknown>]> = [
  ['sparse', { kind: 'sparse', inputDim: 12, hidden: [10], latentDim: 16, l1: 1e-3, outputActivation: 'sigmoid' }],
  ['contractive', { kind: 'contractive', inputDim: 12, latentDim: 4, lambda: 0.01 }],
  ['vae bernoulli', { kind: 'vae', inputDim: 12, hidden: [10, 8], latentDim: 3, activation: 'elu' }],
  ['vae gaussian, no hidden layer', { kind: 'vae', inputDim: 12, latentDim: 3, likelihood: 'gaussian' }],
  ['conv 1×8×8', { kind: 'conv', channels: 1, height: 8, width: 8, convChannels: [4, 6], latentDim: 5, outputActivation: 'sigmoid' }],
  [
    'conv 2×7×6, kernel 3, stride 2 (output padding)',
    { kind: 'conv', channels: 2, height: 7, width: 6, convChannels: [3, 5], latentDim: 4, activation: 'gelu' },
  ],
  [
    'conv 1×9×9, kernel 5, stride 3, padding 1',
    {
      kind: 'conv',
      channels: 1,
      height: 9,
      width: 9,
      convChannels: [3],
      kernel: 5,
      stride: 3,
      padding: 1,
      latentDim: 4,
      activation: 'tanh',
    },
  ],
  [
    'conv1d 2×16',
    {
      kind: 'conv1d',
      channels: 2,
      length: 16,
      convChannels: [4, 8],
      kernel: 5,
      latentDim: 3,
      activation: 'leakyRelu',
      outputActivation: 'sigmoid',
    },
  ],
  ['conv1d 3×11, stride 1', { kind: 'conv1d', channels: 3, length: 11, convChannels: [2], kernel: 3, stride: 1, latentDim: 4 }],
];

describe.each(FAMILIES)('%s', (_name, raw) => {
  const m = model(raw);
  it.each(PARTS)('%s matches ONNX Runtime', async (part) => {
    await checkPart(m, part);
  });
});

describe('VAE outputs', () => {
  it('adds the log-variance as a second encoder output on request', async () => {
    const m = model({ kind: 'vae', inputDim: 9, hidden: [7], latentDim: 2 });
    if (m.constructor.name !== 'VariationalAutoencoder') throw new Error('expected a VAE');
    const x = randomRows(ROWS, 9, 3);
    const outputs = await runOrt(exportOnnx(m, 'encoder', { logvar: true }), x);
    expect(Object.keys(outputs).sort()).toEqual(['latent', 'logvar']);
    expectMatches(outputs['latent']!.data, m.encode(x).data);
    // log-variance by hand: the encoder's hidden layer, then fc_logvar.
    const sd = m.stateDict();
    const [w0, b0, wl, bl] = ['encoder.0.weight', 'encoder.0.bias', 'fc_logvar.weight', 'fc_logvar.bias'].map((k) => sd.get(k)!.data);
    const expected = new Float32Array(ROWS * 2);
    for (let r = 0; r < ROWS; r++) {
      const h = Array.from({ length: 7 }, (_v, j) => {
        let s = b0![j]!;
        for (let i = 0; i < 9; i++) s += w0![j * 9 + i]! * x.data[r * 9 + i]!;
        return Math.max(0, s);
      });
      for (let k = 0; k < 2; k++) expected[r * 2 + k] = h.reduce((s, v, j) => s + v * wl![k * 7 + j]!, bl![k]!);
    }
    expectMatches(outputs['logvar']!.data, expected);
  });
});

describe('scaler', () => {
  const raw = { kind: 'dense', inputDim: 6, hidden: [5], latentDim: 2, activation: 'tanh' };
  const data = randomRows(40, 6, 8, 3);

  it.each([['standard'], ['minmax']] as const)('%s scaler: includeScaler makes every part match latent in data units', async (kind) => {
    const m = model(raw);
    m.scaler = fitScaler(kind, data);
    for (const part of PARTS) await checkPart(m, part, { includeScaler: true }, 21);
  });

  it('is left out by default: the graph works in scaled units', async () => {
    const m = model(raw);
    m.scaler = fitScaler('standard', data);
    const x = randomRows(ROWS, 6, 4);
    const plain = model(raw);
    const outputs = await runOrt(exportOnnx(m, 'full'), x);
    // Same weights, no scaler: the network alone.
    expectMatches(outputs['reconstruction']!.data, plain.reconstruct(x).data);
    const scaled = await runOrt(exportOnnx(m, 'full', { includeScaler: true }), x);
    expect(maxAbs(scaled['reconstruction']!.data.map((v, i) => v - outputs['reconstruction']!.data[i]!))).toBeGreaterThan(1e-3);
  });
});

describe('options', () => {
  const m = model({ kind: 'dense', inputDim: 6, latentDim: 2 });

  it('refuses unsupported opsets, unknown parts and logvar outside a VAE encoder', () => {
    expect(() => exportOnnx(m, 'encoder', { opset: 13 })).toThrow(/opset 13 is not supported/);
    expect(() => exportOnnx(m, 'encoder', { opset: 17.5 })).toThrow(/not supported/);
    expect(() => exportOnnx(m, 'middle' as OnnxPart)).toThrow(/unknown part "middle"/);
    expect(() => exportOnnx(m, 'encoder', { logvar: true })).toThrow(/no log-variance/);
    expect(() => exportOnnx(m, 'full', { logvar: true })).toThrow(/only for the encoder/);
  });
});
