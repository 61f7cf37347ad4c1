/**
 * latent/node — everything in `latent` plus the Node-only parts: files, the built-in MNIST data,
 * model files on disk, the HTTP scoring server, and inference through ONNX Runtime when installed.
 */

export * from './index.js';
export * from './data/node.js';
export * from './io/node.js';
export * from './tasks/node.js';
export * from './serve/index.js';
export * from './accelerator/index.js';
