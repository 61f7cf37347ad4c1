/**
 * Training for the tasks: turns task options (sizes, epochs, scaling …) into a dense autoencoder
 * and trainer options, filling every gap with a default taken from the data, then trains.
 *
 * Defaults (the same rules for every task unless the task passes its own `TaskDefaults`):
 * - scaling: `defaultScaler` (none for data in [0, 1], else by the default scaling rule);
 * - latent size and hidden layers: `defaultLatent` / `defaultHidden` of the feature count;
 * - training length: the automatic budget (src/train/budget.ts) — until the validation loss
 *   (10% of the rows, seeded, or the `validationData` given) stops improving, at least `minSteps` steps and `minEpochs` epochs,
 *   the best epoch's weights kept; `epochs` overrides it with a fixed count.
 * Invariant: the returned model holds the scaler fitted on the training rows (`model.scaler`),
 * so it scales new data itself and saves with it.
 */

import type { Activation } from '../backend/backend.js';
import { assertFinite } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import type { ScalerKind } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { denseConfig } from '../models/config.js';
import { DenseAutoencoder } from '../models/dense.js';
import { vaeConfig } from '../models/penalty-configs.js';
import { VariationalAutoencoder } from '../models/vae.js';
import { heldOutRows, validationIndices } from '../train/batches.js';
import { AUTO_BUDGET, budgetFitOptions, type TrainingBudget } from '../train/budget.js';
import { preferLinearIfBetter, type LinearChoice } from './linear-baseline.js';
import { dataDefaults, defaultHidden, defaultLatent, defaultScaler } from '../train/defaults.js';
import { fit, type FitOptions } from '../train/trainer.js';
import type { History } from '../train/types.js';

/** Trainer options a task passes through unchanged. */
export const TRAINER_KEYS = [
  'batchSize',
  'shuffle',
  'validationSplit',
  'validationData',
  'loss',
  'optimizer',
  'lrSchedule',
  'clipNorm',
  'earlyStopping',
  'corruption',
  'corruptionClip',
  'onBatchEnd',
  'onEpochEnd',
] as const satisfies readonly (keyof FitOptions)[];

export type TrainerOptions = Pick<FitOptions, (typeof TRAINER_KEYS)[number]>;

/** What every task's `fit` accepts: the dense model's shape, the scaling and the training run. */
export interface AutoencoderOptions extends TrainerOptions {
  /** Latent size (default: about a quarter of the features, 2 to 32). */
  readonly latentDim?: number;
  /** Encoder hidden sizes, outermost first (default from the feature count; `[]` for none). */
  readonly hidden?: readonly number[];
  /** Hidden-layer activation (default relu). */
  readonly activation?: Activation;
  /** Output activation (default identity). */
  readonly outputActivation?: Activation;
  /** Dropout after each hidden layer (default 0, or the task's default). */
  readonly dropout?: number;
  /**
   * Scaling fitted on the training rows (default: `defaultScaler`: none for data in [0, 1], else
   * standard below 256 columns and standard-pooled from there on).
   */
  readonly scaler?: ScalerKind;
  /** Epochs (default: the automatic budget, see `budget`). */
  readonly epochs?: number;
  /** Changes to the automatic budget (`AUTO_BUDGET`) used when `epochs` is not given. */
  readonly budget?: Partial<TrainingBudget>;
  /** Wall-time cap in seconds for the automatic budget (none by default). */
  readonly maxSeconds?: number;
  /** Seed of the weights, the shuffling and the noise (default 42). */
  readonly seed?: number;
  /**
   * A model to train instead of the default dense one (any family). Its shape fields
   * (`latentDim`, `hidden`, activations, `dropout`) then do not apply.
   */
  readonly model?: Autoencoder;
}

/** Defaults a task may set differently from the shared ones. */
export interface TaskDefaults {
  /** A fixed budget of about this many optimizer steps instead of the automatic one. */
  readonly steps?: number;
  /** The task's changes to the automatic budget. */
  readonly budget?: Partial<TrainingBudget>;
  readonly dropout?: number;
  readonly maxEpochs?: number;
  readonly batchSize?: number;
  /** The model's scaler is already set (e.g. per channel of a series): do not fit one. */
  readonly keepScaler?: boolean;
  /**
   * Keep the default model only when it rebuilds the validation rows better than PCA with the
   * same latent size, else return that PCA as a linear autoencoder (see linear-baseline.ts).
   */
  readonly linearFallback?: boolean;
}

export interface TrainedModel {
  readonly model: Autoencoder;
  readonly history: History;
  /** Rows of the training data held out for validation (ascending; empty when none were). */
  readonly heldOut: Uint32Array;
  /** With `linearFallback`: which model was kept and the validation MSE of each. */
  readonly choice?: LinearChoice;
}

const DEFAULT_STEPS = 1000;

/**
 * Dimensionality reduction keeps the trained autoencoder only where it beats PCA on the validation
 * rows (bench/reduction-holdout.ts: without this, held-out rows of thyroid at latent 4 rebuild
 * 1.3× worse than PCA's, and shuttle at 8 of 9 features 13× worse).
 */
export const REDUCTION_DEFAULTS: TaskDefaults = { linearFallback: true };

/** Fewer rows than this train without a validation split (it would hold out a row or two). */
const MIN_ROWS_FOR_VALIDATION = 20;
const AUTO_VALIDATION_SPLIT = 0.1;
const DEFAULT_MAX_EPOCHS = 500;
const DEFAULT_BATCH = 64;

/**
 * Epochs giving about `steps` optimizer steps on `rows` rows, clamped to [1, maxEpochs].
 *
 * @example
 * defaultEpochs(1831, 64, 1000); // 34 (29 batches per epoch)
 */
export function defaultEpochs(rows: number, batchSize: number, steps = DEFAULT_STEPS, maxEpochs = DEFAULT_MAX_EPOCHS): number {
  const perEpoch = Math.max(1, Math.ceil(rows / batchSize));
  return Math.max(1, Math.min(maxEpochs, Math.round(steps / perEpoch)));
}

/**
 * Build (unless `options.model` is given) and train an autoencoder on the rows of `x`.
 *
 * @example
 * const { model } = await trainAutoencoder(x, { latentDim: 4, epochs: 50 });
 * model.encode(x); // x.rows × 4
 */
export async function trainAutoencoder(x: Matrix, options: AutoencoderOptions = {}, defaults: TaskDefaults = {}): Promise<TrainedModel> {
  if (x.rows === 0) throw new LatentError('the training data has no rows', 'pass at least one sample');
  // Checked here, before defaults are read off the data: a NaN would otherwise surface much
  // later as "training diverged", with no word about the input.
  assertFinite(x, 'the training data');
  const model = options.model ?? buildDenseModel(x.cols, options, defaults);
  if (model.inputDim !== x.cols) {
    throw new LatentError(
      `the training data has ${x.cols} features per row, the model expects ${model.inputDim}`,
      'pass data with the columns the model was built for',
    );
  }
  const batchSize = options.batchSize ?? defaults.batchSize ?? DEFAULT_BATCH;
  const length = trainingLength(x.rows, batchSize, options, defaults);
  const {
    latentDim: _l,
    hidden: _h,
    activation: _a,
    outputActivation: _o,
    dropout: _d,
    budget: _b,
    maxSeconds: _t,
    model: _m,
    scaler,
    ...trainer
  } = options;
  const fitOptions: FitOptions = {
    ...trainer,
    ...length,
    batchSize,
    ...(defaults.keepScaler ? {} : { scaler: scaler ?? defaultScaler(x) }),
    seed: options.seed ?? 42,
  };
  const history = await fit(model, x, fitOptions);
  const split = validationIndices(x.rows, fitOptions.validationSplit ?? 0, fitOptions.seed ?? 42);
  if (!defaults.linearFallback || options.model !== undefined || split.validation.length === 0) {
    return { model, history, heldOut: split.validation };
  }
  const choice = preferLinearIfBetter(model, x, split.train, split.validation);
  return { model: choice.model, history, heldOut: split.validation, choice };
}

/**
 * Epochs, validation split and early stopping: `options.epochs` as given, a task's fixed `steps`,
 * or the automatic budget with a validation split to watch.
 */
function trainingLength(
  rows: number,
  batchSize: number,
  options: AutoencoderOptions,
  defaults: TaskDefaults,
): Pick<FitOptions, 'epochs' | 'validationSplit' | 'earlyStopping' | 'maxSeconds'> {
  // Rows given to validate on (e.g. a series' held-out tail) replace the random split.
  const given = options.validationData === undefined ? options.validationSplit : undefined;
  if (options.epochs !== undefined || defaults.steps !== undefined) {
    const trainRows = Math.max(1, Math.round(rows * (1 - (given ?? 0))));
    return {
      epochs: options.epochs ?? defaultEpochs(trainRows, batchSize, defaults.steps, defaults.maxEpochs),
      ...(given === undefined ? {} : { validationSplit: given }),
    };
  }
  const validationSplit = options.validationData !== undefined ? 0 : (given ?? autoValidationSplit(rows));
  const trainRows = rows - heldOutRows(rows, validationSplit).held;
  const budget: TrainingBudget = {
    ...AUTO_BUDGET,
    ...defaults.budget,
    ...options.budget,
    ...(options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds }),
  };
  const auto = budgetFitOptions(budget, trainRows, batchSize);
  return { ...auto, earlyStopping: options.earlyStopping ?? auto.earlyStopping, validationSplit };
}

/**
 * The validation split the automatic budget holds out of `rows` rows: 10%, or none for tiny data
 * (then early stopping watches the training loss).
 *
 * @example
 * autoValidationSplit(1831); // 0.1
 */
export function autoValidationSplit(rows: number): number {
  return rows >= MIN_ROWS_FOR_VALIDATION ? AUTO_VALIDATION_SPLIT : 0;
}

/** Layer sizes, activation and seed shared by the default dense and variational models. */
function defaultShape(features: number, options: AutoencoderOptions) {
  if (features < 2) {
    throw new LatentError(
      `the data has ${features} feature per row; an autoencoder needs at least 2 to compress`,
      'use data with several columns (for a single series, cut it into windows first)',
    );
  }
  const latentDim = options.latentDim ?? defaultLatent(features);
  return {
    inputDim: features,
    hidden: options.hidden ?? defaultHidden(features, latentDim),
    latentDim,
    activation: options.activation ?? 'relu',
    seed: options.seed ?? 42,
  };
}

/** The default dense autoencoder for `features` inputs, shaped by `options`. */
export function buildDenseModel(features: number, options: AutoencoderOptions, defaults: TaskDefaults = {}): Autoencoder {
  return new DenseAutoencoder(
    denseConfig({
      ...defaultShape(features, options),
      outputActivation: options.outputActivation ?? 'identity',
      dropout: options.dropout ?? defaults.dropout ?? 0,
    }),
  );
}

/**
 * The default variational autoencoder for the rows of `x`: sizes as the dense default, a
 * Bernoulli likelihood when the scaled rows lie in [0, 1], else a unit-variance Gaussian.
 *
 * @example
 * const vae = buildVaeModel(x, { latentDim: 4 });
 */
export function buildVaeModel(x: Matrix, options: AutoencoderOptions): VariationalAutoencoder {
  return new VariationalAutoencoder(
    vaeConfig({
      ...defaultShape(x.cols, options),
      likelihood: dataDefaults(x, options.scaler ?? defaultScaler(x)).unitInterval ? 'bernoulli' : 'gaussian',
    }),
  );
}
