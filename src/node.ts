/**
 * latent/node — everything in `latent` plus the Node-only parts: files, the built-in MNIST data,
 * model files on disk, and the HTTP scoring server.
 */

export * from './index.js';
export * from './data/node.js';
export * from './io/node.js';
export * from './tasks/node.js';
export * from './serve/index.js';
