/**
 * Short human descriptions of a model config, shared by `train` and `info`. Written against the
 * fields a config may have rather than one family, so every family prints something sensible.
 */

import type { ModelConfig } from '../models/config.js';

function field(config: ModelConfig, key: string): unknown {
  return Reflect.get(config, key);
}

function isIntList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

/** Layer widths from input to output, for families with a dense stack; else null. */
export function layerSizes(config: ModelConfig): number[] | null {
  const input = field(config, 'inputDim');
  const hidden = field(config, 'hidden');
  const latent = field(config, 'latentDim');
  if (typeof input !== 'number' || typeof latent !== 'number' || !isIntList(hidden)) return null;
  const encoder = [input, ...hidden, latent];
  return [...encoder, ...encoder.slice(0, -1).reverse()];
}

/**
 * The family in words, for sentences: `dense autoencoder`, `variational autoencoder`, …
 *
 * @example
 * `training a ${describeFamily(config)}`; // 'training a conv autoencoder'
 */
export function describeFamily(config: ModelConfig): string {
  return `${config.kind === 'vae' ? 'variational' : config.kind} autoencoder`;
}

/**
 * The layers: widths as `21→16→8→16→21` for a dense stack; for a convolutional one the sample
 * shape, the convolutions and the code, as `1×28×28 → conv 32, 64 (k3 s2) → 32 → …` (the decoder
 * mirrors the encoder).
 *
 * @example
 * describeLayers(denseConfig({ inputDim: 21, hidden: [16], latentDim: 8 })); // '21→16→8→16→21'
 */
export function describeLayers(config: ModelConfig): string {
  if (config.kind === 'conv' || config.kind === 'conv1d') {
    const shape = config.kind === 'conv' ? [config.channels, config.height, config.width] : [config.channels, config.length];
    const padding = config.padding === Math.floor(config.kernel / 2) ? '' : ` p${config.padding}`;
    const convs = `${config.kind} ${config.convChannels.join(', ')} (k${config.kernel} s${config.stride}${padding})`;
    return `${shape.join('×')} → ${convs} → ${config.latentDim} → …`;
  }
  const sizes = layerSizes(config);
  if (sizes !== null) return sizes.join('→');
  const input = field(config, 'inputDim');
  const latent = field(config, 'latentDim');
  return typeof input === 'number' && typeof latent === 'number' ? `${input}→…→${latent}→…→${input}` : config.kind;
}

/** Activations as `relu (hidden), identity (latent), sigmoid (output)`, from the fields present. */
export function describeActivations(config: ModelConfig): string {
  const parts: string[] = [];
  for (const [key, role] of [
    ['activation', 'hidden'],
    ['latentActivation', 'latent'],
    ['outputActivation', 'output'],
  ] as const) {
    const value = field(config, key);
    if (typeof value === 'string') parts.push(`${value} (${role})`);
  }
  return parts.join(', ');
}

/** Config fields other than the ones `describeLayers`/`describeActivations` show, as `k=v`. */
export function describeOtherFields(config: ModelConfig): string {
  const shown = new Set(['kind', 'inputDim', 'hidden', 'latentDim', 'activation', 'latentActivation', 'outputActivation']);
  return Object.entries(config)
    .filter(([key]) => !shown.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}
