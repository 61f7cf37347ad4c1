/**
 * latent — autoencoders in TypeScript. The browser-safe entry: nothing here imports Node
 * modules. File access, the CLI and worker threads live behind `latent/node`; ONNX export (and
 * its protobuf dependency) behind `latent/onnx`.
 *
 * Invariant: importing this file has no side effects (package.json says `sideEffects: false`),
 * so a bundler keeps only what a page uses. The autograd tape's bookkeeping (clearing it,
 * measuring it) is internal and not exported.
 */

export * from './errors.js';
export * from './tensor/index.js';
export type { Activation, Backend } from './backend/backend.js';
export { getBackend, initBackend, setBackend, type BackendName } from './backend/registry.js';
export { backward, gradcheck, noGrad, ops, scope, Tensor } from './autograd/index.js';
export type { GradcheckOptions, GradcheckResult, TensorOptions } from './autograd/index.js';
export * from './nn/index.js';
export * from './losses/index.js';
export * from './optim/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './tasks/index.js';
export * from './report/index.js';
