export { Autoencoder, type ErrorMetric, type Objective } from './autoencoder.js';
export { buildModel } from './build.js';
export { denseConfig, MODEL_KINDS, parseModelConfig, type ConfigInput, type DenseConfig, type ModelConfig, type ModelKind } from './config.js';
export { DenseAutoencoder } from './dense.js';
