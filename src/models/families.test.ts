import { describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { modelFromBytes, modelToBytes } from '../io/model-io.js';
import { fit } from '../train/trainer.js';
import { buildModel, parseModelConfig } from './index.js';
import { lowRankRows } from './test-utils/synthetic.js';
import { W2_CONFIG } from './test-utils/w2.js';

const data = lowRankRows(96, 16, 3);

const families: Array<[string, Record<string, unknown>, string[]]> = [
  ['vae', { kind: 'vae', inputDim: 16, hidden: [12], latentDim: 3, warmupSteps: 20, seed: 3 }, ['reconstruction', 'kl', 'elbo', 'beta']],
  [
    'vae gaussian',
    { kind: 'vae', inputDim: 16, hidden: [12], latentDim: 3, likelihood: 'gaussian', beta: 0.5 },
    ['reconstruction', 'kl', 'elbo'],
  ],
  [
    'sparse',
    { kind: 'sparse', inputDim: 16, hidden: [12], latentDim: 20, l1: 1e-3, outputActivation: 'sigmoid' },
    ['reconstruction', 'meanActivation', 'l1', 'sparsity'],
  ],
  [
    'contractive',
    { kind: 'contractive', inputDim: 16, latentDim: 6, lambda: 0.01, outputActivation: 'sigmoid' },
    ['reconstruction', 'contraction'],
  ],
  [
    'conv',
    { kind: 'conv', channels: 1, height: 4, width: 4, convChannels: [4, 6], latentDim: 3, outputActivation: 'sigmoid' },
    ['reconstruction'],
  ],
  [
    'conv1d',
    { kind: 'conv1d', channels: 2, length: 8, convChannels: [4], kernel: 3, latentDim: 3, outputActivation: 'sigmoid' },
    ['reconstruction'],
  ],
];

describe.each(families)('%s family', (_name, raw, termNames) => {
  it('trains with a falling loss and reports its terms', async () => {
    const model = buildModel(parseModelConfig(raw, 'config'));
    const history = await fit(model, data, { epochs: 12, batchSize: 16, seed: 1, optimizer: { name: 'adam', lr: 1e-2 } });
    const first = history.epochs[0]!;
    const last = history.epochs[history.epochs.length - 1]!;
    expect(last.loss).toBeLessThan(first.loss * 0.9);
    expect(Object.keys(last.terms).sort()).toEqual([...termNames].sort());
    for (const v of Object.values(last.terms)) expect(Number.isFinite(v)).toBe(true);
  });

  it('saves and loads to identical outputs', async () => {
    const model = buildModel(parseModelConfig(raw, 'config'));
    await fit(model, data, { epochs: 1, batchSize: 32, seed: 2 });
    const loaded = modelFromBytes(modelToBytes(model), 'model.safetensors').model;
    expect(loaded.config).toEqual(model.config);
    expect(loaded.reconstruct(data).data).toEqual(model.reconstruct(data).data);
    expect(loaded.encode(data).data).toEqual(model.encode(data).data);
    expect(loaded.reconstructionError(data)).toEqual(model.reconstructionError(data));
  });
});

describe('conv family shapes', () => {
  it('reconstructs rows of C·H·W values for a non-square image', () => {
    const model = buildModel(
      parseModelConfig({ kind: 'conv', channels: 2, height: 7, width: 5, convChannels: [3, 4], latentDim: 4 }, 'config'),
    );
    const x = matrix(lowRankRows(3, 70, 2).data, 3, 70);
    expect(model.inputDim).toBe(70);
    const out = model.reconstruct(x);
    expect([out.rows, out.cols]).toEqual([3, 70]);
    expect(model.encode(x).cols).toBe(4);
    expect(() => model.encode(matrix(new Float32Array(69), 1, 69))).toThrow(/69 features per row, the model expects 70/);
  });
});

describe('W2 conv-mnist', () => {
  const w2 = W2_CONFIG;

  it('trains on 28x28 rows with BCE and returns every intermediate buffer', async () => {
    const model = buildModel(parseModelConfig(w2, 'w2'));
    const x = lowRankRows(8, 784, 4, 9);
    const first = await fit(model, x, { epochs: 1, batchSize: 4, seed: 1 });
    expect(first.loss).toBe('bce');
    const backend = model.parameters()[0]!.backend;
    const before = backend.liveBuffers();
    const history = await fit(model, x, { epochs: 3, batchSize: 4, seed: 1, optimizer: { name: 'adam', lr: 1e-3 } });
    expect(backend.liveBuffers()).toBe(before);
    expect(history.epochs[2]!.loss).toBeLessThan(history.epochs[0]!.loss);
    expect(model.reconstruct(x).cols).toBe(784);
  });
});
