/**
 * Build a model from its config: the one place that maps a config kind to a family class.
 */

import type { Autoencoder } from './autoencoder.js';
import type { ModelConfig } from './config.js';
import { ContractiveAutoencoder } from './contractive.js';
import { ConvAutoencoder } from './conv-autoencoder.js';
import { DenseAutoencoder } from './dense.js';
import { SparseAutoencoder } from './sparse.js';
import { VariationalAutoencoder } from './vae.js';

export function buildModel(config: ModelConfig): Autoencoder {
  switch (config.kind) {
    case 'dense':
      return new DenseAutoencoder(config);
    case 'vae':
      return new VariationalAutoencoder(config);
    case 'sparse':
      return new SparseAutoencoder(config);
    case 'contractive':
      return new ContractiveAutoencoder(config);
    case 'conv':
    case 'conv1d':
      return new ConvAutoencoder(config);
  }
}
