/**
 * Models to and from model-file bytes (browser-safe). A model file is its config plus its
 * weights (and scaler and training summary); a checkpoint adds optimizer state, the best weights
 * so far and the trainer's state, under tensor prefixes `optimizer.` and `best.` and the metadata
 * key `checkpoint`. A checkpoint also loads as a plain model.
 */

import { parseScaler } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { buildModel } from '../models/build.js';
import { parseModelConfig } from '../models/config.js';
import type { TrainingState } from '../train/types.js';
import { checkLayerListLengths, checkTensorsMatchConfig } from './model-check.js';
import { decodeModelFile, encodeModelFile, type DecodedModelFile } from './model-file.js';
import type { SafetensorsTensorInput } from './safetensors.js';

const OPTIMIZER_PREFIX = 'optimizer.';
const BEST_PREFIX = 'best.';

/** Summary of how a model was trained, stored in the file for `latent info`. */
export interface TrainingSummary {
  readonly epochs: number;
  readonly loss: string;
  readonly finalLoss: number | null;
  readonly finalValLoss: number | null;
  readonly samples: number;
  readonly seconds: number;
  readonly backend: string;
  readonly [key: string]: unknown;
}

export interface LoadedModel {
  readonly model: Autoencoder;
  readonly training: TrainingSummary | null;
  readonly extra: Readonly<Record<string, unknown>>;
}

function modelTensors(model: Autoencoder): SafetensorsTensorInput[] {
  return [...model.stateDict()].map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
}

export function modelToBytes(model: Autoencoder, training?: TrainingSummary, extra?: Record<string, unknown>): Uint8Array {
  return encodeModelFile({
    tensors: modelTensors(model),
    config: model.config,
    ...(model.scaler ? { scaler: model.scaler } : {}),
    ...(training ? { training } : {}),
    ...(extra ? { extra } : {}),
  });
}

function modelFromDecoded(file: DecodedModelFile, source: string): LoadedModel {
  const weights = new Map([...file.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX) && !name.startsWith(BEST_PREFIX)));
  // Nothing is allocated from the config until it agrees with the stored tensors (see model-check.ts).
  checkLayerListLengths(file.config, weights.size, source);
  const config = parseModelConfig(file.config, source);
  checkTensorsMatchConfig(config, weights, source);
  const model = buildModel(config);
  model.loadStateDict(weights, source);
  if (file.scaler !== undefined) model.scaler = parseScaler(file.scaler, source);
  model.eval();
  const training = (file.training ?? null) as TrainingSummary | null;
  return { model, training, extra: file.extra };
}

/** Rebuild a model from model-file bytes; `source` names the file in errors. */
export function modelFromBytes(bytes: Uint8Array, source: string): LoadedModel {
  return modelFromDecoded(decodeModelFile(bytes, source), source);
}

type CheckpointMeta = Omit<TrainingState, 'optimizerState' | 'bestWeights'> & { readonly hasBest: boolean };

/** A checkpoint's bytes; `training` (the run's summary so far) is stored as a model file stores it. */
export function checkpointToBytes(model: Autoencoder, state: TrainingState, training?: TrainingSummary): Uint8Array {
  const tensors = modelTensors(model);
  for (const [key, data] of state.optimizerState) tensors.push({ name: OPTIMIZER_PREFIX + key, shape: [data.length], data });
  if (state.bestWeights) {
    for (const [key, data] of state.bestWeights) tensors.push({ name: BEST_PREFIX + key, shape: [data.length], data });
  }
  const { optimizerState: _o, bestWeights, ...rest } = state;
  const meta: CheckpointMeta = { ...rest, hasBest: bestWeights !== null };
  return encodeModelFile({
    tensors,
    config: model.config,
    ...(model.scaler ? { scaler: model.scaler } : {}),
    ...(training === undefined ? {} : { training }),
    extra: { checkpoint: meta },
  });
}

export interface LoadedCheckpoint {
  readonly model: Autoencoder;
  readonly state: TrainingState;
  /** The training summary saved with the checkpoint (checkpointToBytes's `training`), if any. */
  readonly training?: unknown;
}

export function checkpointFromBytes(bytes: Uint8Array, source: string): LoadedCheckpoint {
  const file = decodeModelFile(bytes, source);
  const meta = file.extra['checkpoint'] as CheckpointMeta | undefined;
  if (!meta || typeof meta !== 'object') {
    throw new LatentError(`${source} is a model file, not a checkpoint`, 'resume from a file written with --checkpoint');
  }
  const { model } = modelFromDecoded(file, source);
  const prefixed = (prefix: string): Map<string, Float32Array> =>
    new Map([...file.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t.data]));
  const { hasBest, ...rest } = meta;
  const state: TrainingState = { ...rest, optimizerState: prefixed(OPTIMIZER_PREFIX), bestWeights: hasBest ? prefixed(BEST_PREFIX) : null };
  return { model, state, ...(file.training === undefined ? {} : { training: file.training }) };
}
