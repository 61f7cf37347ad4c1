/**
 * Model configs: plain JSON that fully rebuilds a model (no code is ever stored or evaluated).
 * `parseModelConfig` validates a config read from a file or built from CLI options, naming the
 * field that is wrong.
 */

import type { Activation } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import { ACTIVATION_NAMES, parseActivation } from '../nn/activations.js';

export const MODEL_KINDS = ['dense'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface DenseConfig {
  readonly kind: 'dense';
  /** Features per sample. */
  readonly inputDim: number;
  /** Encoder hidden sizes, outermost first; the decoder mirrors them. */
  readonly hidden: readonly number[];
  readonly latentDim: number;
  /** Activation of hidden layers. */
  readonly activation: Activation;
  /** Activation of the latent layer (identity by default: codes are unbounded). */
  readonly latentActivation: Activation;
  /** Activation of the reconstruction: sigmoid for data in [0, 1], identity otherwise. */
  readonly outputActivation: Activation;
  /** Dropout rate after each hidden layer (0 = none). */
  readonly dropout: number;
  /** Seed of the weight initialisation. */
  readonly seed: number;
}

export type ModelConfig = DenseConfig;

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LatentError(`model config: "${field}" must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function activationField(value: unknown, field: string, fallback: Activation): Activation {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new LatentError(`model config: "${field}" must be one of ${ACTIVATION_NAMES.join(', ')}`);
  return parseActivation(value, field);
}

/** Config fields as they arrive from JSON or from code, before validation. */
export type ConfigInput<C> = { readonly [K in keyof C]?: unknown };

/** Validate a dense config; missing fields get defaults. */
export function denseConfig(input: ConfigInput<DenseConfig>): DenseConfig {
  const inputDim = positiveInt(input.inputDim, 'inputDim');
  const latentDim = positiveInt(input.latentDim, 'latentDim');
  if (latentDim > inputDim) {
    throw new LatentError(
      `latent size ${latentDim} is larger than the input's ${inputDim} features`,
      `an autoencoder compresses: choose a latent size below ${inputDim}`,
    );
  }
  const hiddenInput = input.hidden ?? [];
  if (!Array.isArray(hiddenInput)) throw new LatentError('model config: "hidden" must be a list of layer sizes');
  const hidden = hiddenInput.map((h: unknown, i) => positiveInt(h, `hidden[${i}]`));
  const dropout = input.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new LatentError(`model config: "dropout" ${String(dropout)} is outside [0, 1)`);
  }
  const seed = input.seed ?? 42;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new LatentError('model config: "seed" must be a whole number');
  return {
    kind: 'dense',
    inputDim,
    hidden,
    latentDim,
    activation: activationField(input.activation, 'activation', 'relu'),
    latentActivation: activationField(input.latentActivation, 'latentActivation', 'identity'),
    outputActivation: activationField(input.outputActivation, 'outputActivation', 'identity'),
    dropout,
    seed,
  };
}

/** Parse a config from JSON (a model file's metadata), with messages naming the source. */
export function parseModelConfig(value: unknown, source: string): ModelConfig {
  if (value === null || typeof value !== 'object') throw new LatentError(`${source}: model config is not a JSON object`);
  const record = value as Record<string, unknown>;
  switch (record['kind']) {
    case 'dense':
      return denseConfig(record);
    default:
      throw new LatentError(`${source}: unknown model kind ${JSON.stringify(record['kind'])}`, `this version of latent knows: ${MODEL_KINDS.join(', ')}`);
  }
}
