/**
 * Anomaly-score metrics in words, with units, for chart axes and sentences.
 */

import type { Autoencoder } from '../../models/autoencoder.js';
import type { ScoreMetric } from '../../tasks/detector-common.js';
import { mseLabel, scaledUnits } from './units.js';

/**
 * @example
 * scoreWords('combined', model); // 'combined score (normalised error + code distance)'
 */
export function scoreWords(metric: ScoreMetric, model: Autoencoder): string {
  switch (metric) {
    case 'combined':
      return 'combined score (normalised error + code distance)';
    case 'mse':
      return `reconstruction error, ${mseLabel(model)}`;
    case 'mae':
      return `reconstruction error, MAE per value (${scaledUnits(model)})`;
    case 'elbo':
      return 'negative ELBO per row (nats)';
  }
}
