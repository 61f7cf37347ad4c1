/**
 * Detectors on disk (Node only): `loadDetector` reads a model file written by
 * `saveModel(path, detector)` and gives back the calibrated detector, threshold included.
 */

import { loadModel } from '../io/model-node.js';
import { AutoencoderDetector } from './detector.js';

/**
 * Load a detector saved with `saveModel(path, detector)` (or `latent train --threshold-rule`).
 * A file without a stored threshold is refused with a hint, rather than giving a detector that
 * cannot `predict`.
 *
 * @example
 * const detector = loadDetector('detector.safetensors');
 * detector.predict(rows); // flags with the stored threshold
 */
export function loadDetector(path: string): AutoencoderDetector {
  const loaded = loadModel(path);
  return AutoencoderDetector.fromExtra(loaded.model, loaded.extra, path);
}
