/**
 * Build a model from its config: the one place that maps a config kind to a family class.
 */

import type { Autoencoder } from './autoencoder.js';
import type { ModelConfig } from './config.js';
import { DenseAutoencoder } from './dense.js';

export function buildModel(config: ModelConfig): Autoencoder {
  switch (config.kind) {
    case 'dense':
      return new DenseAutoencoder(config);
  }
}
