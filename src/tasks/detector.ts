/**
 * AutoencoderDetector: anomaly detection with an autoencoder (PyOD's `AutoEncoder` shape).
 * `fit` trains on unlabelled (or normal-only) rows and sets the threshold from the scores of the
 * rows held out for validation with a `ThresholdRule`; `score`, `predict` and `evaluate` then work
 * on any rows with the same columns.
 *
 * Defaults from the data, the same for every data set, chosen by leave-one-dataset-out
 * (bench/select-defaults.ts): the default scaler (train/defaults.ts: none for data in [0, 1],
 * else standard below 256 columns and standard-pooled from there on); latent and hidden sizes
 * relative to the feature count; dropout 0.2 after hidden layers; Adam in batches of 64 until the
 * validation loss stops improving (the automatic budget, train/budget.ts); the `combined` score
 * (combined-score.ts); the `contamination:0.1` rule on the held-out rows' scores.
 *
 * Metric `elbo` (variational autoencoders only) scores each row by its negative ELBO, decoding μ
 * (deterministic, so a stored threshold stays valid); other models refuse it at once, before any
 * training.
 *
 * Stored form: the model file (weights, config, scaler) plus `{ metric, rule, threshold }` (and the
 * combined score's `statistics`) under `extra.detector` — `detectorExtra()` writes it, `fromExtra`/`fromLoaded` read it.
 */

import type { Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import { modelToBytes, type LoadedModel, type TrainingSummary } from '../io/model-io.js';
import type { Autoencoder, ModelInput } from '../models/autoencoder.js';
import { plainRows } from '../models/placed-matrix.js';
import { VariationalAutoencoder } from '../models/vae.js';
import type { History } from '../train/types.js';
import { CalibratedDetector, rowMeans } from './calibrated-detector.js';
import { checkShapes, combinedScores, fitCombinedStatistics, parseCombinedStatistics, type CombinedStatistics } from './combined-score.js';
import {
  calibrationFromExtra,
  calibrationToExtra,
  checkMetric,
  checkRule,
  DEFAULT_RULE,
  elboUnavailable,
  type FeatureScores,
  type ScoreMetric,
} from './detector-common.js';
import { DETECTOR_SPEC, resolveRuleOptions, toRule, type RuleInput, type RuleOptions } from './task-options.js';
import type { ThresholdRule } from './threshold.js';
import { buildVaeModel, trainAutoencoder, type AutoencoderOptions, type TaskDefaults } from './train-model.js';

export interface DetectorOptions extends AutoencoderOptions, RuleOptions {
  /** Score used for the threshold and `predict` (default `combined`; `elbo` needs a VAE). */
  readonly metric?: ScoreMetric;
  /** The model built when no `model` is given: `dense` (default) or `vae` (see `buildVaeModel`). */
  readonly family?: DetectorFamily;
}

type ResolvedDetectorOptions = Omit<DetectorOptions, 'rule' | 'contamination'> & { readonly rule?: ThresholdRule };

/** Model families the detector builds itself. */
export type DetectorFamily = 'dense' | 'vae';

export const DETECTOR_FAMILIES: readonly DetectorFamily[] = ['dense', 'vae'];

/** Key of the detector settings in a model file's `extra` metadata. */
export const DETECTOR_EXTRA_KEY = 'detector';

/**
 * What the detector trains with when not told: dropout 0.2, which keeps the autoencoder from
 * learning to rebuild the rare rows as well as the common ones. Over the shared sets, training to
 * convergence without it loses 0.005 (combined score) to 0.10 (MSE) of the selection objective
 * (family-mean ROC-AUC, bench/select-defaults.ts).
 */
export const DETECTOR_DEFAULTS = { dropout: 0.2 } as const satisfies TaskDefaults;

/** The detector's score when none is asked for (see combined-score.ts for how it was chosen). */
export const DEFAULT_METRIC: ScoreMetric = 'combined';

/**
 * Reconstruction-error anomaly detector.
 *
 * @example
 * const detector = await new AutoencoderDetector().fit(x);
 * const flags = detector.predict(x);            // Uint8Array of 0/1
 * detector.evaluate(x, labels).rocAuc;
 */
export class AutoencoderDetector extends CalibratedDetector {
  private trained: Autoencoder | undefined;
  private lastHistory: History | undefined;
  private statistics: CombinedStatistics | undefined;

  private readonly options: ResolvedDetectorOptions;

  /**
   * `options` are the defaults of every `fit`; a `fit` call may override any of them. Checked at
   * once: an unknown or mistyped option is an error, not a silent default.
   */
  constructor(options: DetectorOptions = {}) {
    const resolved = resolveRuleOptions(options, DETECTOR_SPEC, 'AutoencoderDetector options');
    super({ ...resolved, metric: resolved.metric ?? DEFAULT_METRIC }, 'the detector');
    this.options = resolved;
  }

  /**
   * A detector around a trained model without a threshold (scores work; call `calibrate`
   * before `predict`).
   */
  static fromModel(model: Autoencoder, metric: ScoreMetric = 'mse'): AutoencoderDetector {
    checkMetric(metric);
    if (metric === 'elbo') vaeOf(model);
    const detector = new AutoencoderDetector({ metric });
    detector.trained = model;
    return detector;
  }

  /**
   * Rebuild a detector from a model and the `extra` metadata of its file; `source` names the
   * file in errors.
   */
  static fromExtra(model: Autoencoder, extra: Readonly<Record<string, unknown>>, source: string): AutoencoderDetector {
    const stored = extra[DETECTOR_EXTRA_KEY];
    if (stored === undefined) {
      throw new LatentError(
        `${source}: the model file holds no anomaly threshold`,
        'fit it as a detector (AutoencoderDetector.fit), or use AutoencoderDetector.fromModel and calibrate on normal data',
      );
    }
    const calibration = calibrationFromExtra(stored, source);
    const detector = AutoencoderDetector.fromModel(model, calibration.metric);
    if (calibration.metric === 'combined') {
      const statistics = parseCombinedStatistics(Reflect.get(Object(stored), 'statistics'), source);
      checkShapes(model, statistics, source);
      detector.statistics = statistics;
    }
    detector.calibration = calibration;
    return detector;
  }

  /**
   * A detector from a loaded model file: calibrated when the file holds detector settings,
   * otherwise without a threshold (as `fromModel`).
   *
   * @example
   * const detector = AutoencoderDetector.fromLoaded(loadModel('detector.safetensors'), 'detector.safetensors');
   */
  static fromLoaded(loaded: LoadedModel, source: string): AutoencoderDetector {
    return loaded.extra[DETECTOR_EXTRA_KEY] === undefined
      ? AutoencoderDetector.fromModel(loaded.model)
      : AutoencoderDetector.fromExtra(loaded.model, loaded.extra, source);
  }

  /**
   * Train on `x` (no labels), then set the threshold from the scores of the rows held out for
   * validation (all rows when there were none). Returns `this`.
   */
  async fit(x: Matrix, options: DetectorOptions = {}): Promise<this> {
    const merged = { ...this.options, ...resolveRuleOptions(options, DETECTOR_SPEC, 'AutoencoderDetector.fit options') };
    const metric = merged.metric ?? DEFAULT_METRIC;
    checkMetric(metric);
    const family = merged.family ?? 'dense';
    if (!DETECTOR_FAMILIES.includes(family)) {
      throw new LatentError(`unknown detector model family ${JSON.stringify(family)}`, 'use dense or vae, or pass a model');
    }
    if (metric === 'elbo') {
      if (merged.model === undefined && family === 'dense') throw elboUnavailable('the default dense model');
      if (merged.model !== undefined) vaeOf(merged.model);
    }
    const rule = merged.rule ?? DEFAULT_RULE;
    checkRule(rule);
    const { rule: _r, metric: _m, family: _f, ...given } = merged;
    const training = given.model === undefined && family === 'vae' ? { ...given, model: buildVaeModel(x, given) } : given;
    const { model, history, heldOut } = await trainAutoencoder(x, training, DETECTOR_DEFAULTS);
    this.trained = model;
    this.lastHistory = history;
    this.statistics = metric === 'combined' ? fitCombinedStatistics(model, x) : undefined;
    this.calibrateWith(x, metric, rule, heldOut);
    return this;
  }

  /**
   * Set the threshold from the scores of `x` with `rule` (over the rows `heldOut` of `x` only,
   * when given). The `combined` score's statistics are fitted on all of `x` first when the
   * detector has none yet (a model trained elsewhere).
   *
   * @example
   * AutoencoderDetector.fromModel(model, 'combined').calibrate(trainingRows, rule, validationIndices);
   */
  override calibrate(x: Matrix, rule: RuleInput = this.rule, heldOut?: Uint32Array): this {
    if (this.metric === 'combined' && this.statistics === undefined) this.statistics = fitCombinedStatistics(this.model, x);
    return super.calibrate(x, toRule(rule, 'calibrate') ?? this.rule, heldOut);
  }

  /** The `extra` metadata that stores this detector's threshold with its model. */
  detectorExtra(): Record<string, unknown> {
    const calibration = calibrationToExtra(this.requireCalibration());
    const statistics = calibration.metric === 'combined' ? { statistics: this.requireStatistics() } : {};
    return { [DETECTOR_EXTRA_KEY]: { ...calibration, ...statistics } };
  }

  /** The model file bytes: model, scaler and threshold settings. */
  toBytes(training?: TrainingSummary): Uint8Array {
    return modelToBytes(this.model, training, this.detectorExtra());
  }

  get model(): Autoencoder {
    if (this.trained === undefined) {
      throw new LatentError('the detector is not fitted yet', 'call await detector.fit(data) first');
    }
    return this.trained;
  }

  /** The `combined` score's statistics: set once fitted or calibrated with that metric. */
  get combinedStatistics(): CombinedStatistics | undefined {
    return this.statistics;
  }

  /** The training history of the last `fit`. */
  get history(): History | undefined {
    return this.lastHistory;
  }

  protected scoreWith(x: ModelInput, metric: ScoreMetric): Float64Array {
    if (metric === 'elbo') return Float64Array.from(vaeOf(this.model).negativeElbo(x));
    // The combined score reads its rows in chunks in JavaScript: placed rows are copied out.
    if (metric === 'combined') return combinedScores(this.model, plainRows(x), this.requireStatistics());
    return Float64Array.from(this.model.reconstructionError(x, metric));
  }

  private requireStatistics(): CombinedStatistics {
    if (this.statistics === undefined) {
      throw new LatentError(
        'the combined score has no statistics yet',
        'fit the detector, or call calibrate(normalRows) once: it fits them on those rows',
      );
    }
    return this.statistics;
  }

  protected featureScores(x: ModelInput): FeatureScores {
    const features = this.model.featureErrors(x);
    return { scores: rowMeans(features), features };
  }
}

/** `model` as a VAE, or the error saying the `elbo` metric needs one. */
function vaeOf(model: Autoencoder): VariationalAutoencoder {
  if (!(model instanceof VariationalAutoencoder)) throw elboUnavailable(`the ${model.config.kind} model`);
  return model;
}
