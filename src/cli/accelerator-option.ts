/**
 * `--accelerator auto|ort|wasm` of the commands that run a model over rows (`encode`,
 * `reconstruct`, `score`): ONNX Runtime when installed and faster for the model, or on demand.
 * An explicit `--backend` (or LATENT_BACKEND) asks for latent's own backend, so `auto` keeps to it.
 */

import { ACCELERATORS, openInference, type Accelerator, type Inference } from '../accelerator/index.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { AutoencoderDetector } from '../tasks/detector.js';
import { parseChoice } from './options.js';

/** The option's help. */
export const ACCELERATOR_HELP =
  'auto, ort (ONNX Runtime; install it with npm install onnxruntime-node) or wasm (default: auto: ONNX Runtime when it is ' +
  'installed and measured faster for the model, else latent; latent when --backend is given)';

/** The command's accelerator choice, checked before any work. */
export function parseAcceleratorFlag(flags: { readonly accelerator?: string; readonly backend?: string }): Accelerator {
  if (flags.accelerator !== undefined) return parseChoice('--accelerator', flags.accelerator, ACCELERATORS);
  return flags.backend !== undefined || process.env['LATENT_BACKEND'] ? 'wasm' : 'auto';
}

/**
 * Inference for a command's model or detector with the chosen accelerator.
 *
 * @example
 * const inference = await openCommandInference(model, parseAcceleratorFlag(flags));
 */
export function openCommandInference(target: Autoencoder | AutoencoderDetector, accelerator: Accelerator): Promise<Inference> {
  return openInference(target, { accelerator, optionName: '--accelerator' });
}

/** ` with ONNX Runtime (2 threads)` when ONNX Runtime ran the model, for the command's closing note. */
export function engineNote(inference: Inference): string {
  return inference.engine === 'ort' ? ` with ONNX Runtime (${inference.threads} thread${inference.threads === 1 ? '' : 's'})` : '';
}
