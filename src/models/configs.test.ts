import { describe, expect, it } from 'vitest';
import { buildModel, convConfig, convGeometry, MODEL_KINDS, parseModelConfig, type ModelConfig } from './index.js';
import { W2_CONFIG } from './test-utils/w2.js';

/** W2 conv-mnist of DESIGN.md as a config. */
const W2 = convConfig(W2_CONFIG);

const shapes = (config: ModelConfig): string[] =>
  [...buildModel(config).stateDict()].map(([k, t]) => `${k} ${t.shape.join('x') || 'scalar'}`);

describe('model configs', () => {
  it('W2 builds with the parameter names and shapes of the equivalent torch.nn.Sequential', () => {
    // encoder = Sequential(Conv2d(1,32,3,2,1), ReLU(), Conv2d(32,64,3,2,1), ReLU(), Flatten(), Linear(3136,32))
    // decoder = Sequential(Linear(32,3136), ReLU(), Unflatten(1,(64,7,7)),
    //                      ConvTranspose2d(64,32,3,2,1,output_padding=1), ReLU(), ConvTranspose2d(32,1,3,2,1,output_padding=1))
    expect(shapes(W2)).toEqual([
      'encoder.0.weight 32x1x3x3',
      'encoder.0.bias 32',
      'encoder.2.weight 64x32x3x3',
      'encoder.2.bias 64',
      'encoder.5.weight 32x3136',
      'encoder.5.bias 32',
      'decoder.0.weight 3136x32',
      'decoder.0.bias 3136',
      'decoder.3.weight 64x32x3x3',
      'decoder.3.bias 32',
      'decoder.5.weight 32x1x3x3',
      'decoder.5.bias 1',
    ]);
    const g = convGeometry(W2);
    expect(g.sizes).toEqual([
      [28, 28],
      [14, 14],
      [7, 7],
    ]);
    expect(g.outputPadding).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const model = buildModel(W2);
    expect(model.inputDim).toBe(784);
    expect(model.latentDim).toBe(32);
  });

  it('names the PyTorch-style keys of the other families', () => {
    expect(shapes({ ...parseModelConfig({ kind: 'vae', inputDim: 6, hidden: [4], latentDim: 2 }, 'c') })).toEqual([
      'encoder.0.weight 4x6',
      'encoder.0.bias 4',
      'fc_mu.weight 2x4',
      'fc_mu.bias 2',
      'fc_logvar.weight 2x4',
      'fc_logvar.bias 2',
      'decoder.0.weight 4x2',
      'decoder.0.bias 4',
      'decoder.2.weight 6x4',
      'decoder.2.bias 6',
    ]);
    expect(shapes(parseModelConfig({ kind: 'vae', inputDim: 6, latentDim: 2, warmupSteps: 10 }, 'c'))).toContain('kl_warmup_step scalar');
    expect(shapes(parseModelConfig({ kind: 'contractive', inputDim: 6, latentDim: 3 }, 'c'))).toEqual([
      'encoder.0.weight 3x6',
      'encoder.0.bias 3',
      'decoder.0.weight 6x3',
      'decoder.0.bias 6',
    ]);
    expect(shapes(parseModelConfig({ kind: 'conv1d', channels: 2, length: 16, convChannels: [4], kernel: 5, latentDim: 3 }, 'c'))).toEqual([
      'encoder.0.weight 4x2x5',
      'encoder.0.bias 4',
      'encoder.3.weight 3x32',
      'encoder.3.bias 3',
      'decoder.0.weight 32x3',
      'decoder.0.bias 32',
      'decoder.3.weight 4x2x5',
      'decoder.3.bias 2',
    ]);
  });

  it('fills defaults', () => {
    const vae = parseModelConfig({ kind: 'vae', inputDim: 10, latentDim: 2 }, 'c');
    expect(vae).toMatchObject({ likelihood: 'bernoulli', beta: 1, warmupSteps: 0, hidden: [], activation: 'relu' });
    const sparse = parseModelConfig({ kind: 'sparse', inputDim: 10, latentDim: 20 }, 'c');
    // The KL weight is relative to the per-sample (summed) reconstruction error, Ng's formulation;
    // 30 replaced 1, which (against a per-feature mean) swamped the reconstruction of images.
    expect(sparse).toMatchObject({ latentActivation: 'sigmoid', rho: 0.05, sparsityWeight: 30, l1: 0 });
    const conv = parseModelConfig({ kind: 'conv', height: 8, width: 6, convChannels: [4], latentDim: 3 }, 'c');
    expect(conv).toMatchObject({ channels: 1, kernel: 3, stride: 2, padding: 1, activation: 'relu' });
    expect(buildModel(conv).inputDim).toBe(48);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['unknown kind', { kind: 'gan' }, /m.safetensors: unknown model kind "gan"/],
    [
      'vae likelihood',
      { kind: 'vae', inputDim: 4, latentDim: 2, likelihood: 'poisson' },
      /m.safetensors: .*"likelihood" must be one of bernoulli, gaussian/,
    ],
    ['vae beta', { kind: 'vae', inputDim: 4, latentDim: 2, beta: -1 }, /"beta" must be a number ≥ 0, got -1/],
    ['vae warm-up', { kind: 'vae', inputDim: 4, latentDim: 2, warmupSteps: 2.5 }, /"warmupSteps" must be a whole number ≥ 0/],
    ['vae latent too wide', { kind: 'vae', inputDim: 4, latentDim: 5 }, /latent size 5 is larger than the input's 4/],
    ['sparse rho', { kind: 'sparse', inputDim: 4, latentDim: 8, rho: 1 }, /"rho" must be a number > 0 and < 1, got 1/],
    [
      'sparse KL on relu',
      { kind: 'sparse', inputDim: 4, latentDim: 8, latentActivation: 'relu', sparsityWeight: 1 },
      /"sparsityWeight" needs "latentActivation": "sigmoid"/,
    ],
    [
      'sparse without penalty',
      { kind: 'sparse', inputDim: 4, latentDim: 8, latentActivation: 'relu' },
      /needs "l1" > 0 or "sparsityWeight" > 0/,
    ],
    [
      'contractive deep',
      { kind: 'contractive', inputDim: 4, latentDim: 2, hidden: [3] },
      /"hidden" must be empty for a contractive autoencoder/,
    ],
    [
      'contractive relu',
      { kind: 'contractive', inputDim: 4, latentDim: 2, latentActivation: 'relu' },
      /"latentActivation" must be "sigmoid"/,
    ],
    ['conv no layers', { kind: 'conv', height: 8, width: 8, latentDim: 2 }, /"convChannels" must list at least one convolution/],
    [
      'conv bad channel',
      { kind: 'conv', height: 8, width: 8, latentDim: 2, convChannels: [4, 0] },
      /"convChannels\[1\]" must be a whole number ≥ 1, got 0/,
    ],
    [
      'conv too deep',
      { kind: 'conv', height: 4, width: 4, latentDim: 2, convChannels: [2, 2, 2, 2], kernel: 5, padding: 0 },
      /convChannels\[0\] leaves no height/,
    ],
    ['conv missing width', { kind: 'conv', height: 4, latentDim: 2, convChannels: [2] }, /"width" is missing \(a whole number ≥ 1\)/],
    ['conv1d missing length', { kind: 'conv1d', latentDim: 2, convChannels: [2] }, /"length" is missing/],
    ['no kind', { inputDim: 4, latentDim: 2 }, /has no "kind"/],
  ])('rejects a bad config (%s), naming the field', (_name, config, message) => {
    expect(() => parseModelConfig(config, 'm.safetensors')).toThrow(message);
  });

  it('knows every kind it builds', () => {
    expect([...MODEL_KINDS]).toEqual(['dense', 'vae', 'sparse', 'contractive', 'conv', 'conv1d']);
  });
});
