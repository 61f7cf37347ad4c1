/**
 * accelerator (Node only): encoding, reconstruction and scoring through ONNX Runtime, an optional
 * peer dependency, with latent's own backend as the fallback.
 */

export { openInference, type InferenceOptions } from './inference.js';
export { ACCELERATORS, type Accelerator, type ChoiceBasis, type EngineChoice, type EngineName, type Inference } from './inference-types.js';
