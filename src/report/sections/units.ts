/**
 * Units of the report's errors in words: errors are measured after the model's input scaling,
 * where columns are comparable, so the unit depends on the scaler.
 */

import type { ScalerKind } from '../../data/scaler.js';
import type { Autoencoder } from '../../models/autoencoder.js';

const UNITS: Readonly<Record<ScalerKind, string>> = {
  none: 'data units',
  minmax: 'min–max scaled units',
  standard: 'standardised units',
  'standard-pooled': 'pooled standardised units',
};

/**
 * "standardised units", "pooled standardised units", "min–max scaled units" or "data units".
 *
 * @example
 * `mean squared error per value (${scaledUnits(model)}²)`;
 */
export function scaledUnits(model: Autoencoder): string {
  return UNITS[model.scaler?.kind ?? 'none'];
}

/** "MSE per value (standardised units²)". */
export function mseLabel(model: Autoencoder): string {
  return `MSE per value (${scaledUnits(model)}²)`;
}
