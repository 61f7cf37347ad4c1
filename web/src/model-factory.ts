/**
 * Turns the form's settings and the data into a model and the trainer options that go with it,
 * with the library's defaults for what the form leaves to the data: no scaling for data already
 * in [0, 1] (a sigmoid output, BCE), standard scaling otherwise (identity output, MSE).
 *
 * Invariant: every choice that cannot work (BCE on data outside [0, 1], conv on a table) is
 * refused here with a LatentError naming the setting, before any training starts.
 */

import {
  chooseLoss,
  convConfig,
  ConvAutoencoder,
  DenseAutoencoder,
  dataDefaults,
  defaultScaler,
  denseConfig,
  LatentError,
  parseCorruption,
  VariationalAutoencoder,
  vaeConfig,
  type Autoencoder,
  type Corruption,
  type FitOptions,
  type Matrix,
  type ScalerKind,
} from '../../src/index.js';
import type { TrainSettings, WireDataset } from './protocol.js';

export interface Plan {
  readonly model: Autoencoder;
  readonly fit: FitOptions;
  /** The loss the run minimises, as shown to the user. */
  readonly lossName: string;
  readonly scaler: ScalerKind;
  readonly unitInterval: boolean;
}

/**
 * The model and trainer options for `settings` on the training rows `train` of `data`.
 *
 * @example
 * const { model, fit: options } = planTraining(settings, data, train);
 */
export function planTraining(settings: TrainSettings, data: WireDataset, train: Matrix): Plan {
  const scaler = defaultScaler(train);
  const { unitInterval } = dataDefaults(train, scaler);
  const model = buildModel(settings, data, unitInterval);
  const loss = settings.family === 'vae' ? 'mse' : chooseLossFor(settings, model, train, unitInterval);
  const corruption: Corruption | null = settings.noise === 'none' ? null : parseCorruption(settings.noise);
  const fit: FitOptions = {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    optimizer: { name: 'adam', lr: settings.learningRate },
    loss,
    scaler,
    ...(corruption === null ? {} : { corruption, ...(unitInterval && scaler === 'none' ? { corruptionClip: [0, 1] as const } : {}) }),
  };
  const lossName = settings.family === 'vae' ? `negative ELBO (${unitInterval ? 'Bernoulli' : 'Gaussian'})` : loss;
  return { model, fit, lossName, scaler, unitInterval };
}

function chooseLossFor(settings: TrainSettings, model: Autoencoder, train: Matrix, unitInterval: boolean): 'bce' | 'mse' {
  if (settings.loss === 'mse') return 'mse';
  if (settings.loss === 'bce' && !unitInterval) {
    throw new LatentError(
      'loss: binary cross-entropy needs data in [0, 1], and these data have values outside it',
      'choose the mse loss (or auto), or rescale the data to [0, 1]',
    );
  }
  if (settings.loss === 'bce') return 'bce';
  const chosen = chooseLoss(model.outputActivation, train);
  return chosen === 'bce' ? 'bce' : 'mse';
}

function buildModel(settings: TrainSettings, data: WireDataset, unitInterval: boolean): Autoencoder {
  const { latentDim, hidden, seed } = settings;
  const outputActivation = unitInterval ? 'sigmoid' : 'identity';
  switch (settings.family) {
    case 'dense':
      return new DenseAutoencoder(denseConfig({ inputDim: data.cols, hidden, latentDim, outputActivation, seed }));
    case 'vae':
      return new VariationalAutoencoder(
        vaeConfig({
          inputDim: data.cols,
          hidden,
          latentDim,
          seed,
          likelihood: unitInterval ? 'bernoulli' : 'gaussian',
          imageShape: data.imageShape === null ? null : [...data.imageShape],
        }),
      );
    case 'conv': {
      if (data.imageShape === null) {
        throw new LatentError(
          'family: the conv family needs image data, and this data is a table',
          'choose the dense or variational family',
        );
      }
      const [height, width] = data.imageShape;
      return new ConvAutoencoder(convConfig({ height, width, channels: 1, convChannels: hidden, latentDim, outputActivation, seed }));
    }
  }
}
