/**
 * `--accelerator auto|ort|wasm` of the commands that run a model over rows (`encode`,
 * `reconstruct`, `score`): ONNX Runtime when installed and measured faster here, or on demand.
 * An explicit `--backend` (or LATENT_BACKEND) asks for latent's own backend, so `auto` keeps to it.
 */

import { ACCELERATORS, openInference, type Accelerator, type EngineChoice, type Inference } from '../accelerator/index.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { AutoencoderDetector } from '../tasks/detector.js';
import { parseChoice } from './options.js';

/** The option's help. */
export const ACCELERATOR_HELP =
  'auto, ort (ONNX Runtime; install it with npm install onnxruntime-node) or wasm (default: auto: times both on the first ' +
  'batches and keeps the faster, ONNX Runtime only when installed; latent when --backend is given; pin ort or wasm for ' +
  'bit-for-bit repeatable output)';

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

/**
 * The engine for the command's closing note: ` with ONNX Runtime (2 threads)` when ONNX Runtime ran
 * the model (most of its rows, under `auto`), and, where `auto` timed both engines, what it
 * measured and how the rows were split.
 *
 * @example
 * engineNote(inference); // " with ONNX Runtime (2 threads; auto measured ONNX Runtime 212,000 rows/s, wasm 120,000; …)"
 */
export function engineNote(inference: Inference): string {
  const details = autoDetails(inference.choices());
  const threads = `${inference.threads} thread${inference.threads === 1 ? '' : 's'}`;
  if (inference.engine === 'ort') return ` with ONNX Runtime (${[threads, ...details].join('; ')})`;
  return details.length === 0 ? '' : ` with latent's ${inference.engine} backend (${details.join('; ')})`;
}

function autoDetails(choices: readonly EngineChoice[]): string[] {
  const rowsOf = (c: EngineChoice): number => Object.values(c.rows).reduce((a, b) => a + b, 0);
  const total = choices.reduce((n, c) => n + rowsOf(c), 0);
  const onOrt = choices.reduce((n, c) => n + (c.rows.ort ?? 0), 0);
  // The rates of the measured class that ran the most rows: one pair of figures, not one per batch size.
  const measured = choices.filter((c) => Object.keys(c.rowsPerSecond).length === 2).sort((a, b) => rowsOf(b) - rowsOf(a))[0];
  const details: string[] = [];
  if (measured !== undefined) {
    const rates = Object.entries(measured.rowsPerSecond).map(
      ([engine, rate]) => `${engine === 'ort' ? 'ONNX Runtime' : engine} ${Math.round(rate).toLocaleString('en-US')}`,
    );
    details.push(`auto measured rows/s: ${rates.join(', ')}`);
  }
  if (onOrt > 0 && onOrt < total)
    details.push(`ONNX Runtime ran ${onOrt.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`);
  return details;
}
