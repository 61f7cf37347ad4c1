/**
 * A code as wide as the input can copy it: every family but sparse (whose penalty keeps an
 * overcomplete code from copying) refuses a latent size of the input width or more.
 */

import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './index.js';

describe('latent size against the input width', () => {
  it.each<[string, Record<string, unknown>, number]>([
    ['dense', { kind: 'dense', inputDim: 6 }, 6],
    ['vae', { kind: 'vae', inputDim: 6 }, 6],
    ['contractive', { kind: 'contractive', inputDim: 6 }, 6],
    ['conv', { kind: 'conv', height: 4, width: 4, convChannels: [2] }, 16],
    ['conv1d', { kind: 'conv1d', length: 8, convChannels: [2] }, 8],
  ])('%s refuses a latent size equal to or above the input width', (_family, fields, width) => {
    expect(() => parseModelConfig({ ...fields, latentDim: width }, 'm.safetensors')).toThrow(
      `latent size ${width} is equal to the input's ${width} features`,
    );
    expect(() => parseModelConfig({ ...fields, latentDim: width + 1 }, 'm.safetensors')).toThrow(
      `latent size ${width + 1} is larger than the input's ${width} features`,
    );
    expect(parseModelConfig({ ...fields, latentDim: width - 1 }, 'm.safetensors').kind).toBe(fields['kind']);
  });

  it('sparse accepts a code as wide as the input, or wider', () => {
    expect(parseModelConfig({ kind: 'sparse', inputDim: 6, latentDim: 6 }, 'm.safetensors').kind).toBe('sparse');
    expect(parseModelConfig({ kind: 'sparse', inputDim: 6, latentDim: 12 }, 'm.safetensors').kind).toBe('sparse');
  });
});
