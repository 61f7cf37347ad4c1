export { Autoencoder, type ErrorMetric, type ModelInput, type Objective } from './autoencoder.js';
export { buildModel } from './build.js';
export {
  denseConfig,
  MODEL_KINDS,
  parseModelConfig,
  type ConfigInput,
  type DenseConfig,
  type ModelConfig,
  type ModelKind,
} from './config.js';
export { ContractiveAutoencoder } from './contractive.js';
export { ConvAutoencoder } from './conv-autoencoder.js';
export { conv1dConfig, convConfig, convGeometry, type Conv1dConfig, type ConvConfig, type ConvGeometry } from './conv-config.js';
export { DenseAutoencoder } from './dense.js';
export {
  contractiveConfig,
  DEFAULT_SPARSITY_WEIGHT,
  sparseConfig,
  VAE_LIKELIHOODS,
  vaeConfig,
  type ContractiveConfig,
  type SparseConfig,
  type VaeConfig,
  type VaeLikelihood,
} from './penalty-configs.js';
export { gaussianKl, klSparsity, l1Activity, sigmoidJacobianNorm } from './penalties.js';
export { place, PlacedMatrix } from './placed-matrix.js';
export { SparseAutoencoder } from './sparse.js';
export { VariationalAutoencoder, type NegativeElboOptions } from './vae.js';
