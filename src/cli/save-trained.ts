/**
 * Saving a model that took a training run to make (Node only). When the output cannot be written
 * after training (the disk filled up, the folder turned read-only), the model is not thrown away:
 * it goes to a recovery path, the system temp folder first and then the current folder, and the
 * command fails with exit 1 saying why and where the model is.
 *
 * Invariant: a FileSystemError from the save never escapes without a recovery attempt; the error
 * that does escape names both the intended path and the recovered one (or every path tried).
 */

import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { LatentError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { FileSystemError, fileSystemReason } from '../io/fs-errors.js';
import { modelToBytes } from '../io/model-io.js';
import type { SaveModelOptions } from '../io/model-node.js';
import type { Autoencoder } from '../models/autoencoder.js';

/** Folders tried, in order, when the output cannot be written (tmpdir() follows TMPDIR). */
export function recoveryFolders(): string[] {
  return [tmpdir(), process.cwd()];
}

/**
 * Save a freshly trained model to `path`, or to a recovery path when the disk refuses.
 *
 * @example
 * saveTrainedModel('model.safetensors', model, { overwrite: force, training: summary });
 */
export function saveTrainedModel(path: string, model: Autoencoder, options: SaveModelOptions = {}): void {
  const bytes = modelToBytes(model, options.training, options.extra);
  try {
    writeFileAtomic(path, bytes, options);
    return;
  } catch (error) {
    if (!(error instanceof FileSystemError)) throw error;
    throw recover(path, bytes, error);
  }
}

function recover(path: string, bytes: Uint8Array, cause: FileSystemError): LatentError {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `latent-recovered-${stamp}-${basename(path)}`;
  const tried: string[] = [];
  for (const folder of recoveryFolders()) {
    const candidate = join(folder, name);
    if (resolve(candidate) === resolve(path)) continue;
    try {
      writeFileAtomic(candidate, bytes);
      return new LatentError(
        `could not save the model to ${path}: ${fileSystemReason(cause)}; the trained model was saved to ${candidate} instead`,
        `${cause.hint ?? 'fix the problem'}, then move ${candidate} where you want it`,
      );
    } catch (error) {
      tried.push(`${candidate} (${fileSystemReason(error)})`);
    }
  }
  return new LatentError(
    `could not save the model to ${path}: ${fileSystemReason(cause)}; saving it to ${tried.join(' or ')} failed too, so the trained model is lost`,
    cause.hint,
  );
}
