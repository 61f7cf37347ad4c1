import { describe, expect, it } from 'vitest';
import { buildModel } from './build.js';
import { parseModelConfig } from './config.js';
import { expectedTensors, expectedValueCount } from './tensor-shapes.js';

// One config per family and layout variant (activation modules and dropout shift layer numbers).
const CONFIGS: ReadonlyArray<Record<string, unknown>> = [
  { kind: 'dense', inputDim: 6, hidden: [5, 4], latentDim: 2 },
  { kind: 'dense', inputDim: 6, hidden: [5], latentDim: 2, dropout: 0.2, latentActivation: 'tanh' },
  { kind: 'dense', inputDim: 6, hidden: [], latentDim: 2, activation: 'identity' },
  { kind: 'sparse', inputDim: 6, hidden: [4], latentDim: 8, latentActivation: 'sigmoid' },
  { kind: 'contractive', inputDim: 6, latentDim: 3 },
  { kind: 'vae', inputDim: 6, hidden: [5], latentDim: 2 },
  { kind: 'vae', inputDim: 6, hidden: [], latentDim: 2, warmupSteps: 10 },
  { kind: 'conv', height: 8, width: 6, channels: 2, convChannels: [3, 4], latentDim: 5 },
  { kind: 'conv', height: 8, width: 8, convChannels: [3], latentDim: 5, activation: 'identity' },
  { kind: 'conv1d', length: 12, channels: 2, convChannels: [3, 4], latentDim: 5, kernel: 5 },
];

describe('expectedTensors', () => {
  it.each(CONFIGS.map((c) => [`${String(c['kind'])} ${JSON.stringify(c)}`, c] as const))(
    'lists exactly the state dict of the built model (%s)',
    (_name, raw) => {
      const config = parseModelConfig(raw, 'test');
      const built = [...buildModel(config).stateDict()].map(([name, t]) => ({ name, shape: [...t.shape] }));
      expect([...expectedTensors(config)].map((t) => ({ name: t.name, shape: [...t.shape] }))).toEqual(built);
      expect(expectedValueCount(config)).toBe(built.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0));
    },
  );

  it('computes the size of an absurd config without allocating it', () => {
    const config = parseModelConfig({ kind: 'dense', inputDim: 784, hidden: [1e8], latentDim: 32 }, 'test');
    expect(expectedValueCount(config)).toBeGreaterThan(1.5e11);
  });
});
