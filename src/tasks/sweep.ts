/**
 * Latent-size sweep: how much does each code size cost in reconstruction, for an autoencoder and
 * for PCA? One seeded train/validation split; the scaler is fitted on the train part; then, per
 * size, an autoencoder and a PCA are fitted on the (scaled) train part and scored on the
 * validation part.
 *
 * Invariant: both errors are mean squared errors per feature in the same scaled units, and
 * "explained" is 1 − error / (error of predicting the train mean), so the columns compare directly.
 */

import type { Matrix } from '../data/matrix.js';
import { applyScaler, fitScaler } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { splitValidation } from '../train/batches.js';
import { columnMeans, meanOf, meanSquaredDeviation } from './explained-variance.js';
import { Pca } from './pca.js';
import { trainAutoencoder, type AutoencoderOptions, type TaskDefaults } from './train-model.js';

const SWEEP_DEFAULTS: TaskDefaults = {};
import { defaultScaler } from '../train/defaults.js';

export interface SweepOptions extends Omit<AutoencoderOptions, 'latentDim' | 'model' | 'validationSplit'> {
  /** Fraction of rows held out to measure the errors (default 0.2). */
  readonly validationFraction?: number;
  /** Called after each size, e.g. for progress output. */
  readonly onSize?: (row: SweepRow, index: number, total: number) => void;
}

export interface SweepRow {
  readonly latent: number;
  /** Autoencoder validation MSE per feature (scaled units). */
  readonly aeValError: number;
  /** PCA validation MSE per feature (scaled units). */
  readonly pcaValError: number;
  /** 1 − aeValError / baseline, the baseline being the error of predicting the train mean. */
  readonly aeExplained: number;
  readonly pcaExplained: number;
  readonly aeTrainError: number;
  readonly pcaTrainError: number;
  readonly epochs: number;
  readonly seconds: number;
}

/**
 * Train one autoencoder and one PCA per latent size and compare their validation errors.
 *
 * @example
 * const rows = await sweep(x, [2, 4, 8], { epochs: 30 });
 * rows.map((r) => [r.latent, r.aeValError, r.pcaValError]);
 */
export async function sweep(x: Matrix, latentSizes: readonly number[], options: SweepOptions = {}): Promise<SweepRow[]> {
  const fraction = options.validationFraction ?? 0.2;
  const seed = options.seed ?? 42;
  const { train, validation } = splitValidation(x, fraction, seed);
  if (validation === null) {
    throw new LatentError('sweep: the validation fraction is 0', 'hold out some rows to measure the errors, e.g. validationFraction 0.2');
  }
  const limit = Math.min(x.cols, train.rows);
  if (latentSizes.length === 0) throw new LatentError('sweep: no latent sizes given', 'pass sizes such as [2, 4, 8]');
  for (const size of latentSizes) {
    if (!Number.isInteger(size) || size < 1 || size > limit) {
      throw new LatentError(
        `sweep: latent size ${size} must be a whole number from 1 to ${limit} (the features and training rows available)`,
        `choose sizes between 1 and ${limit}`,
      );
    }
  }
  const scaler = fitScaler(options.scaler ?? defaultScaler(train), train);
  const trainScaled = applyScaler(scaler, train);
  const valScaled = applyScaler(scaler, validation);
  const baseline = meanSquaredDeviation(valScaled, columnMeans(trainScaled));
  const { validationFraction: _v, onSize, ...training } = options;

  const rows: SweepRow[] = [];
  for (const [index, latent] of latentSizes.entries()) {
    const start = performance.now();
    // Data is already scaled: the model must not rescale it.
    const { model, history } = await trainAutoencoder(
      trainScaled,
      { ...training, scaler: 'none', latentDim: latent, seed },
      // The sweep shows the trained autoencoder beside PCA, so no linear fallback here.
      SWEEP_DEFAULTS,
    );
    const aeValError = meanOf(model.reconstructionError(valScaled));
    const aeTrainError = meanOf(model.reconstructionError(trainScaled));
    const pca = new Pca({ nComponents: latent }).fit(trainScaled);
    const pcaValError = meanOf(pca.reconstructionErrors(valScaled));
    const pcaTrainError = meanOf(pca.reconstructionErrors(trainScaled));
    const row: SweepRow = {
      latent,
      aeValError,
      pcaValError,
      aeExplained: 1 - aeValError / baseline,
      pcaExplained: 1 - pcaValError / baseline,
      aeTrainError,
      pcaTrainError,
      epochs: history.epochs.length,
      seconds: (performance.now() - start) / 1000,
    };
    rows.push(row);
    onSize?.(row, index, latentSizes.length);
  }
  return rows;
}
