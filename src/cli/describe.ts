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
 * The layer widths as `21→16→8→16→21` (or the family name when it has no dense stack).
 *
 * @example
 * describeLayers(denseConfig({ inputDim: 21, hidden: [16], latentDim: 8 })); // '21→16→8→16→21'
 */
export function describeLayers(config: ModelConfig): string {
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
