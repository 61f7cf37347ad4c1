/**
 * `openInference`: encode, reconstruct and score through ONNX Runtime where it pays, latent's own
 * backend otherwise. ONNX Runtime (`onnxruntime-node`) is an optional peer dependency that users
 * install to opt in; `auto` times both engines on the host and keeps the faster per class of call
 * (`auto-inference.ts`; a fixed rule, `auto-policy.ts`, picks the first call's engine), and keeps
 * to latent's backend, silently, where the package is not installed; `ort` insists and names the
 * package to install.
 */

import { availableParallelism } from 'node:os';
import { getBackend, initBackend } from '../backend/registry.js';
import { LatentError } from '../errors.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { AutoencoderDetector } from '../tasks/detector.js';
import { AutoInference } from './auto-inference.js';
import { ortPays } from './auto-policy.js';
import { BackendInference } from './backend-inference.js';
import { ACCELERATORS, type Accelerator, type Inference } from './inference-types.js';
import { OrtEngine } from './ort-engine.js';
import { OrtInference } from './ort-inference.js';
import { isMissingPackage, loadOrt } from './ort-runtime.js';

export interface InferenceOptions {
  /**
   * `auto` (default): per class of call (encode / reconstruct / score, batch size), the engine
   * that measured faster on this machine, ONNX Runtime only where it is installed; results may
   * then come from either engine, within float32 tolerance; `ort`: ONNX Runtime, an error when onnxruntime-node is not installed;
   * `wasm`: latent's backend (wasm, or js when that is the backend set).
   */
  readonly accelerator?: Accelerator;
  /** ONNX Runtime's threads (default: the wasm backend's, else LATENT_THREADS, else every core). */
  readonly threads?: number;
  /** How errors name the accelerator choice (default `accelerator`; the command line says `--accelerator`). */
  readonly optionName?: string;
}

/**
 * Open inference for a model or a detector. Scores follow the detector's metric (a bare model:
 * `mse`); results match the model's and detector's own methods to float32 tolerance.
 *
 * @example
 * const inference = await openInference(detector, { accelerator: 'auto' });
 * const scores = await inference.score(rows); // ONNX Runtime when installed and measured faster here
 * await inference.close();
 */
export async function openInference(target: Autoencoder | AutoencoderDetector, options: InferenceOptions = {}): Promise<Inference> {
  const name = options.optionName ?? 'accelerator';
  const accelerator = options.accelerator ?? 'auto';
  if (!ACCELERATORS.includes(accelerator)) {
    throw new LatentError(`unknown ${name} ${JSON.stringify(accelerator)}`, `use one of: ${ACCELERATORS.join(', ')}`);
  }
  const detector = target instanceof AutoencoderDetector ? target : AutoencoderDetector.fromModel(target);
  // latent's backend runs the fallback and the formulas after ONNX Runtime: the fastest one, as for training.
  await initBackend();
  if (accelerator === 'wasm') return new BackendInference(detector);
  const threads = ortThreads(options.threads);
  const openOrt = async (): Promise<OrtInference | Error> => {
    const ort = await loadOrt();
    return ort instanceof Error ? ort : new OrtInference(new OrtEngine(ort, detector.model, threads), detector);
  };
  if (accelerator === 'auto') {
    // Where the rule's first guess is ONNX Runtime the first call would import it anyway: import it
    // now, and without it run latent's backend plainly. Elsewhere it is imported when a call first needs it.
    if (ortPays(detector.model) && (await loadOrt()) instanceof Error) return new BackendInference(detector);
    return new AutoInference({
      detector,
      backend: new BackendInference(detector),
      openOrt: async () => {
        const ort = await openOrt();
        return ort instanceof Error ? undefined : ort;
      },
      ortThreads: threads,
    });
  }
  const ort = await openOrt();
  if (!(ort instanceof Error)) return ort;
  throw isMissingPackage(ort)
    ? new LatentError(
        `${name} ort needs the onnxruntime-node package, which is not installed`,
        `install it beside latent (npm install onnxruntime-node --onnxruntime-node-install=skip; the flag skips its CUDA download), or use ${name} auto or wasm`,
      )
    : new LatentError(
        `${name} ort: onnxruntime-node is installed but failed to load (${ort.message})`,
        `reinstall it (npm install onnxruntime-node), or use ${name} auto or wasm`,
      );
}

function ortThreads(requested: number | undefined): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) {
      throw new LatentError(`threads must be a whole number ≥ 1, got ${requested}`, 'leave it unset to use the backend’s thread count');
    }
    return requested;
  }
  const backend = getBackend();
  if (backend.name === 'wasm') return backend.threads;
  const env = Number(process.env['LATENT_THREADS']);
  return Number.isInteger(env) && env >= 1 ? env : availableParallelism();
}
