/**
 * Units of the report's errors in words: errors are measured after the model's input scaling,
 * where columns are comparable, so the unit depends on the scaler.
 */

import type { Autoencoder } from '../../models/autoencoder.js';

/**
 * "standardised units", "min–max scaled units" or "data units".
 *
 * @example
 * `mean squared error per value (${scaledUnits(model)}²)`;
 */
export function scaledUnits(model: Autoencoder): string {
  const kind = model.scaler?.kind ?? 'none';
  return kind === 'standard' ? 'standardised units' : kind === 'minmax' ? 'min–max scaled units' : 'data units';
}

/** "MSE per value (standardised units²)". */
export function mseLabel(model: Autoencoder): string {
  return `MSE per value (${scaledUnits(model)}²)`;
}
