/**
 * Models and checkpoints on disk (Node only), written atomically.
 */

import { LatentError } from '../errors.js';
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

/**
 * A task object that writes itself as one model file together with its settings: a fitted
 * `AutoencoderDetector` (its threshold, rule and metric) or `SeriesScorer` (window, threshold).
 */
export interface ModelFileWriter {
  toBytes(training?: TrainingSummary): Uint8Array;
}

/**
 * Save `model` as one .safetensors file. Refuses to replace a file unless `overwrite`. Given a
 * fitted detector or series scorer, the file holds its threshold too (saving `detector.model`
 * would keep the network only), and `loadDetector` / `SeriesScorer.fromLoaded` read it back.
 *
 * @example
 * saveModel('detector.safetensors', await new AutoencoderDetector().fit(x));
 */
export function saveModel(path: string, model: Autoencoder | ModelFileWriter, options: SaveModelOptions = {}): void {
  if ('toBytes' in model && typeof model.toBytes === 'function') {
    if (options.extra !== undefined) {
      throw new LatentError(
        'saveModel: "extra" cannot be given with a detector or scorer',
        'it writes its own settings; pass its model to store other extra data',
      );
    }
    writeFileAtomic(path, model.toBytes(options.training), options);
    return;
  }
  writeFileAtomic(path, modelToBytes(model as Autoencoder, options.training, options.extra), options);
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
