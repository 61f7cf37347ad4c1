/**
 * Models and checkpoints on disk (Node only), written atomically.
 */

import type { Autoencoder } from '../models/autoencoder.js';
import type { TrainingState } from '../train/types.js';
import { writeFileAtomic, type WriteOptions } from './atomic.js';
import {
  checkpointFromBytes,
  checkpointToBytes,
  modelFromBytes,
  modelToBytes,
  type LoadedCheckpoint,
  type LoadedModel,
  type TrainingSummary,
} from './model-io.js';
import { readNonEmpty } from './node-files.js';

export interface SaveModelOptions extends WriteOptions {
  /** Training summary shown by `latent info`. */
  readonly training?: TrainingSummary;
  /** Task settings stored beside the model (detector threshold, window length, ...). */
  readonly extra?: Record<string, unknown>;
}

/** Save `model` as one .safetensors file. Refuses to replace a file unless `overwrite`. */
export function saveModel(path: string, model: Autoencoder, options: SaveModelOptions = {}): void {
  writeFileAtomic(path, modelToBytes(model, options.training, options.extra), options);
}

/** Load a model (or the model inside a checkpoint) from a .safetensors file. */
export function loadModel(path: string): LoadedModel {
  return modelFromBytes(readNonEmpty(path, 'model file'), path);
}

export function saveCheckpoint(path: string, model: Autoencoder, state: TrainingState, training?: TrainingSummary): void {
  writeFileAtomic(path, checkpointToBytes(model, state, training), { overwrite: true });
}

export function loadCheckpoint(path: string): LoadedCheckpoint {
  return checkpointFromBytes(readNonEmpty(path, 'checkpoint'), path);
}
