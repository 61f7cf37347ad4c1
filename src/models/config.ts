/**
 * Model configs: plain JSON that fully rebuilds a model (no code is ever stored or evaluated).
 * `ModelConfig` is a union discriminated on `kind`; `parseModelConfig` validates a config read
 * from a file or built from CLI options, naming the field that is wrong.
 */

import type { Activation } from '../backend/backend.js';
import { LatentError } from '../errors.js';
import {
  activationField,
  checkCompresses,
  checkFieldNames,
  DENSE_FIELDS,
  intList,
  numberField,
  positiveInt,
  seedField,
  type ConfigInput,
} from './config-fields.js';
import { conv1dConfig, convConfig, type Conv1dConfig, type ConvConfig } from './conv-config.js';
import {
  contractiveConfig,
  sparseConfig,
  vaeConfig,
  type ContractiveConfig,
  type SparseConfig,
  type VaeConfig,
} from './penalty-configs.js';

export type { ConfigInput } from './config-fields.js';

export const MODEL_KINDS = ['dense', 'vae', 'sparse', 'contractive', 'conv', 'conv1d'] as const;
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

export type ModelConfig = DenseConfig | VaeConfig | SparseConfig | ContractiveConfig | ConvConfig | Conv1dConfig;

/** The fields of a dense stack, shared by the dense, sparse and contractive families. */
export type DenseFields = Omit<DenseConfig, 'kind'>;

/** Validate dense-stack fields; `overcomplete` allows a latent code as wide as the input or wider. */
export function denseFields(
  input: ConfigInput<DenseFields>,
  defaults: { latentActivation: Activation; overcomplete: boolean },
): DenseFields {
  const inputDim = positiveInt(input.inputDim, 'inputDim');
  const latentDim = positiveInt(input.latentDim, 'latentDim');
  if (!defaults.overcomplete) checkCompresses(latentDim, inputDim);
  if (input.dropout !== undefined && (typeof input.dropout !== 'number' || !(input.dropout >= 0 && input.dropout < 1))) {
    throw new LatentError(`model config: "dropout" ${String(input.dropout)} is outside [0, 1)`);
  }
  return {
    inputDim,
    hidden: intList(input.hidden, 'hidden', []),
    latentDim,
    activation: activationField(input.activation, 'activation', 'relu'),
    latentActivation: activationField(input.latentActivation, 'latentActivation', defaults.latentActivation),
    outputActivation: activationField(input.outputActivation, 'outputActivation', 'identity'),
    dropout: numberField(input.dropout, 'dropout', 0, { min: 0, max: 1, openMax: true }),
    seed: seedField(input.seed),
  };
}

/** Validate a dense config; missing fields get defaults, unknown fields are refused. */
export function denseConfig(input: ConfigInput<DenseConfig>): DenseConfig {
  checkFieldNames(input, DENSE_FIELDS, 'dense');
  return { kind: 'dense', ...denseFields(input, { latentActivation: 'identity', overcomplete: false }) };
}

/** Parse a config from JSON (a model file's metadata), with messages naming the source. */
export function parseModelConfig(value: unknown, source: string): ModelConfig {
  if (value === null || typeof value !== 'object') throw new LatentError(`${source}: model config is not a JSON object`);
  const record = value as Record<string, unknown>;
  try {
    switch (record['kind']) {
      case 'dense':
        return denseConfig(record);
      case 'vae':
        return vaeConfig(record);
      case 'sparse':
        return sparseConfig(record);
      case 'contractive':
        return contractiveConfig(record);
      case 'conv':
        return convConfig(record);
      case 'conv1d':
        return conv1dConfig(record);
    }
  } catch (error) {
    if (error instanceof LatentError) throw new LatentError(`${source}: ${error.message}`, error.hint);
    throw error;
  }
  if (record['kind'] === undefined) {
    throw new LatentError(`${source}: the model config has no "kind"`, `add "kind": one of ${MODEL_KINDS.join(', ')} (e.g. "dense")`);
  }
  throw new LatentError(
    `${source}: unknown model kind ${JSON.stringify(record['kind'])}`,
    `this version of latent knows: ${MODEL_KINDS.join(', ')}`,
  );
}
