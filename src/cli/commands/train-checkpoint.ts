/**
 * Loading checkpoints written by `latent train --checkpoint`: the library's checkpoint (weights, optimizer
 * state, trainer state) plus the run's training summary so far — data source, feature columns and
 * the options after defaults were filled in — under the model file's `training` key, as a finished
 * model has it. `--resume` reads that summary to check the second run's flags against the first
 * and to read the same CSV columns; `latent info` shows it.
 *
 * The summary is the optional `training` argument of the library's `saveCheckpoint`, so the file
 * resumes as any other checkpoint; one saved without it still loads, with `training` null.
 */

import { loadCheckpoint } from '../../io/model-node.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import type { TrainingState } from '../../train/types.js';

/** A checkpoint loaded for `--resume`. */
export interface RunCheckpoint {
  /** The file, as the user named it (for messages). */
  readonly path: string;
  readonly model: Autoencoder;
  readonly state: TrainingState;
  /** The first run's training summary; null for a checkpoint that has none. */
  readonly training: Readonly<Record<string, unknown>> | null;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Load a checkpoint and the training summary it carries.
 *
 * @example
 * const { model, state, training } = loadRunCheckpoint('ckpt.safetensors');
 */
export function loadRunCheckpoint(path: string): RunCheckpoint {
  const { model, state, training } = loadCheckpoint(path);
  return { path, model, state, training: isRecord(training) ? training : null };
}
