/**
 * The model of a fresh `latent train` run, for every family: flags first, then defaults taken from
 * the data (latent and hidden sizes, output activation, the VAE likelihood, the image shape of
 * conv models from the dataset's sample shape). The config validators of `models/` check the
 * result and name any field that cannot work.
 */

import type { Dataset } from '../../data/dataset.js';
import type { ScalerKind } from '../../data/scaler.js';
import { LatentError } from '../../errors.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { buildModel } from '../../models/build.js';
import { denseConfig, type ModelConfig } from '../../models/config.js';
import { conv1dConfig, convConfig } from '../../models/conv-config.js';
import { contractiveConfig, sparseConfig, vaeConfig } from '../../models/penalty-configs.js';
import { defaultHidden, defaultLatent } from '../../train/defaults.js';
import { dataDefaults } from '../../train/defaults.js';
import { TRAIN_DEFAULTS, type TrainSettings } from './train-options.js';

/** [channels, height, width] of image rows: --image-shape, else the dataset's sample shape. */
export function imageShapeOf(settings: TrainSettings, dataset: Dataset): number[] {
  const features = dataset.x.cols;
  const given = settings.family.imageShape;
  const fromData = dataset.sampleShape;
  const shape =
    given ??
    (fromData && (fromData.length === 2 || fromData.length === 3) ? (fromData.length === 2 ? [1, ...fromData] : [...fromData]) : undefined);
  if (shape === undefined) {
    throw new LatentError(
      `--model ${settings.kind} needs the image shape of the rows of ${dataset.source}, which does not say it`,
      `pass --image-shape C,H,W (or H,W) with ${features} values in all, e.g. --image-shape 1,28,28`,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== features) {
    throw new LatentError(
      `--image-shape ${shape.join(',')} holds ${size} values, but ${dataset.source} has ${features} features per row`,
      'give the shape of one sample, channels first',
    );
  }
  return shape;
}

function configFor(settings: TrainSettings, dataset: Dataset, scale: ScalerKind): ModelConfig {
  const features = dataset.x.cols;
  const f = settings.family;
  const defaults = dataDefaults(dataset.x, scale);
  const latent = settings.latent ?? defaultLatent(features);
  const hidden = settings.hidden ?? defaultHidden(features, latent);
  const outputActivation = settings.outputActivation ?? defaults.outputActivation;
  const seed = settings.seed;
  const dense = { inputDim: features, latentDim: latent, activation: settings.activation, outputActivation, seed };
  switch (settings.kind) {
    case 'dense':
      return denseConfig({ ...dense, hidden, dropout: settings.dropout });
    case 'sparse':
      return sparseConfig({
        ...dense,
        hidden,
        dropout: settings.dropout,
        rho: f.rho ?? TRAIN_DEFAULTS.rho,
        l1: f.l1 ?? TRAIN_DEFAULTS.l1,
        ...(f.sparsityWeight === undefined ? {} : { sparsityWeight: f.sparsityWeight }),
      });
    case 'contractive':
      return contractiveConfig({
        ...dense,
        hidden: settings.hidden ?? [],
        dropout: settings.dropout,
        lambda: f.contractiveWeight ?? TRAIN_DEFAULTS.contractiveWeight,
      });
    case 'vae': {
      const imageShape = f.imageShape ?? (dataset.sampleShape && dataset.sampleShape.length >= 2 ? [...dataset.sampleShape] : null);
      return vaeConfig({
        inputDim: features,
        hidden,
        latentDim: latent,
        activation: settings.activation,
        seed,
        likelihood: f.likelihood ?? (settings.outputActivation === 'identity' || !defaults.unitInterval ? 'gaussian' : 'bernoulli'),
        beta: f.beta ?? TRAIN_DEFAULTS.beta,
        warmupSteps: f.warmupSteps ?? TRAIN_DEFAULTS.warmupSteps,
        imageShape,
      });
    }
    case 'conv':
    case 'conv1d': {
      const stack = {
        convChannels: f.convChannels ?? [...TRAIN_DEFAULTS.convChannels],
        kernel: f.kernel ?? TRAIN_DEFAULTS.kernel,
        stride: f.stride ?? TRAIN_DEFAULTS.stride,
        ...(f.padding === undefined ? {} : { padding: f.padding }),
        latentDim: latent,
        activation: settings.activation,
        outputActivation,
        seed,
      };
      if (settings.kind === 'conv') {
        const [channels, height, width] = imageShapeOf(settings, dataset) as [number, number, number];
        return convConfig({ ...stack, channels, height, width });
      }
      const channels = f.channels ?? 1;
      if (features % channels !== 0) {
        throw new LatentError(
          `--channels ${channels} does not divide the ${features} features of ${dataset.source}`,
          'rows hold channels × length values, channel-major',
        );
      }
      return conv1dConfig({ ...stack, channels, length: features / channels });
    }
  }
}

/** The model for a fresh run: data-driven defaults filled in, config validated. */
export function freshModel(settings: TrainSettings, dataset: Dataset, scale: ScalerKind): Autoencoder {
  const features = dataset.x.cols;
  // One column (a bare series, a 1-D .npy) leaves nothing to compress; only a sparse code may widen it.
  if (features < 2 && settings.kind !== 'sparse') {
    throw new LatentError(
      `${dataset.source} has ${features} feature per row; an autoencoder needs at least 2 to compress`,
      /\.npy$/i.test(dataset.source)
        ? 'a 1-D array is read as one feature per row: save it with shape (rows, features); for a single series, train on sliding windows with --window N'
        : 'for a single series, train on sliding windows with --window N (e.g. --window 64)',
    );
  }
  if (settings.latent !== undefined && settings.latent > features) {
    throw new LatentError(
      `--latent ${settings.latent} is larger than the ${features} features of ${dataset.source}`,
      `an autoencoder compresses: choose --latent below ${features}`,
    );
  }
  return buildModel(configFor(settings, dataset, scale));
}
