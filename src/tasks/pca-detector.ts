/**
 * PcaDetector: the linear baseline of anomaly detection — the score of a row is its PCA
 * reconstruction error — with the same interface, scaling and threshold rules as
 * `AutoencoderDetector`.
 *
 * Defaults match the autoencoder's, so comparisons are like for like: the same scaling rule
 * (standard, or none for data in [0, 1]), as many components as the autoencoder's default latent
 * size (`defaultLatent` of the feature count), the `contamination:0.1` rule. The stored form is
 * plain JSON (`toJSON` / `fromJSON`).
 */

import type { Matrix } from '../data/matrix.js';
import { matrix } from '../data/matrix.js';
import { assertFinite } from '../data/dataset.js';
import { applyScaler, fitScaler, parseScaler, type Scaler, type ScalerKind } from '../data/scaler.js';
import { LatentError } from '../errors.js';
import { defaultLatent } from '../train/defaults.js';
import type { ModelInput } from '../models/autoencoder.js';
import { plainRows } from '../models/placed-matrix.js';
import { CalibratedDetector, rowMeans } from './calibrated-detector.js';
import {
  calibrationFromExtra,
  calibrationToExtra,
  checkMetric,
  checkRule,
  DEFAULT_RULE,
  elboUnavailable,
  type DetectorExtra,
  type FeatureScores,
  type ScoreMetric,
} from './detector-common.js';
import { Pca, type PcaJson } from './pca.js';
import { PCA_DETECTOR_SPEC, resolveRuleOptions, type RuleOptions } from './task-options.js';
import type { ThresholdRule } from './threshold.js';
import { defaultScaler } from '../train/defaults.js';

export interface PcaDetectorOptions extends RuleOptions {
  /** Components kept (default: the autoencoder's default latent size for the feature count). */
  readonly nComponents?: number;
  /** Scaling fitted on the training rows (default: `defaultScaler`, the autoencoder's default). */
  readonly scaler?: ScalerKind;
  readonly metric?: ScoreMetric;
}

type ResolvedOptions = Omit<PcaDetectorOptions, 'rule' | 'contamination'> & { readonly rule?: ThresholdRule };

/** The stored form of a fitted PcaDetector. */
export interface PcaDetectorJson {
  readonly format: 'latent-pca-detector';
  readonly version: 1;
  readonly scaler: Scaler;
  readonly pca: PcaJson;
  readonly detector: DetectorExtra;
}

/**
 * PCA reconstruction-error detector.
 *
 * @example
 * const pca = new PcaDetector().fit(x);
 * pca.evaluate(x, labels).prAuc;
 */
export class PcaDetector extends CalibratedDetector {
  private fitted: { readonly scaler: Scaler; readonly pca: Pca } | undefined;

  private readonly options: ResolvedOptions;

  /** `options` are the defaults of every `fit`; checked at once (unknown keys, wrong types). */
  constructor(options: PcaDetectorOptions = {}) {
    const resolved = resolveRuleOptions(options, PCA_DETECTOR_SPEC, 'PcaDetector options');
    super(resolved, 'the PCA detector');
    this.options = resolved;
  }

  /** Fit scaling and PCA on `x`, then set the threshold from the scores of `x`. */
  fit(x: Matrix, options: PcaDetectorOptions = {}): this {
    const merged = { ...this.options, ...resolveRuleOptions(options, PCA_DETECTOR_SPEC, 'PcaDetector.fit options') };
    assertFinite(x, 'PcaDetector.fit data');
    const metric = merged.metric ?? 'mse';
    checkMetric(metric);
    if (metric === 'elbo') throw elboUnavailable('the PCA detector');
    if (metric === 'combined') throw combinedUnavailable();
    checkRule(merged.rule ?? DEFAULT_RULE);
    if (x.cols < 2) {
      throw new LatentError(`PCA detector: the data has ${x.cols} feature per row`, 'reconstruction error needs at least 2 features');
    }
    const scaler = fitScaler(merged.scaler ?? defaultScaler(x), x);
    const pca = new Pca({ nComponents: merged.nComponents ?? defaultLatent(x.cols) }).fit(applyScaler(scaler, x));
    this.fitted = { scaler, pca };
    this.calibrateWith(x, metric, merged.rule ?? DEFAULT_RULE);
    return this;
  }

  get nComponents(): number {
    return this.state().pca.nComponents;
  }

  toJSON(): PcaDetectorJson {
    const { scaler, pca } = this.state();
    return {
      format: 'latent-pca-detector',
      version: 1,
      scaler,
      pca: pca.toJSON(),
      detector: calibrationToExtra(this.requireCalibration()),
    };
  }

  /** Rebuild from `toJSON()` output; `source` names the file in errors. */
  static fromJSON(value: unknown, source = 'PCA detector'): PcaDetector {
    const fail = (why: string): LatentError =>
      new LatentError(`${source}: not a stored PCA detector: ${why}`, 'pass the object written by PcaDetector.toJSON()');
    if (typeof value !== 'object' || value === null) throw fail('expected an object');
    if (Reflect.get(value, 'format') !== 'latent-pca-detector') throw fail(`format is ${JSON.stringify(Reflect.get(value, 'format'))}`);
    if (Reflect.get(value, 'version') !== 1) throw fail(`version ${JSON.stringify(Reflect.get(value, 'version'))} is not 1`);
    const scaler = parseScaler(Reflect.get(value, 'scaler'), source);
    const pca = Pca.fromJSON(Reflect.get(value, 'pca'));
    if (scaler.offset.length !== pca.nFeatures) throw fail(`the scaler has ${scaler.offset.length} columns but the PCA ${pca.nFeatures}`);
    const calibration = calibrationFromExtra(Reflect.get(value, 'detector'), source);
    const detector = new PcaDetector({ metric: calibration.metric, rule: calibration.rule });
    detector.fitted = { scaler, pca };
    detector.calibration = calibration;
    return detector;
  }

  private state(): { readonly scaler: Scaler; readonly pca: Pca } {
    if (this.fitted === undefined) throw new LatentError('the PCA detector is not fitted yet', 'call detector.fit(data) first');
    return this.fitted;
  }

  /** The fitted state, after checking that `x` has the training data's columns. */
  private checked(x: Matrix): { readonly scaler: Scaler; readonly pca: Pca } {
    const fitted = this.state();
    if (x.cols !== fitted.pca.nFeatures) {
      throw new LatentError(
        `the data has ${x.cols} features per row, the PCA detector expects ${fitted.pca.nFeatures}`,
        'use data with the same columns as the training data',
      );
    }
    return fitted;
  }

  private reconstructScaled(x: Matrix): { scaled: Matrix; recon: Matrix } {
    const { scaler, pca } = this.checked(x);
    const scaled = applyScaler(scaler, x);
    return { scaled, recon: pca.inverseTransform(pca.transform(scaled)) };
  }

  /** Per-sample PCA reconstruction errors in scaled units. */
  protected scoreWith(input: ModelInput, metric: ScoreMetric): Float64Array {
    if (metric === 'elbo') throw elboUnavailable('the PCA detector');
    if (metric === 'combined') throw combinedUnavailable();
    // PCA runs in JavaScript: placed rows are copied out.
    const x = plainRows(input);
    const { scaler, pca } = this.checked(x);
    if (metric === 'mse') return pca.reconstructionErrors(applyScaler(scaler, x));
    const { scaled, recon } = this.reconstructScaled(x);
    const out = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let s = 0;
      for (let c = 0; c < x.cols; c++) s += Math.abs(scaled.data[r * x.cols + c]! - recon.data[r * x.cols + c]!);
      out[r] = s / x.cols;
    }
    return out;
  }

  protected featureScores(input: ModelInput): FeatureScores {
    const x = plainRows(input);
    const { scaled, recon } = this.reconstructScaled(x);
    const squares = new Float32Array(scaled.data.length);
    for (let i = 0; i < squares.length; i++) squares[i] = (scaled.data[i]! - recon.data[i]!) ** 2;
    const features = matrix(squares, x.rows, x.cols);
    return { scores: rowMeans(features), features };
  }
}

/** The error for the `combined` metric, which needs an autoencoder's code statistics. */
function combinedUnavailable(): LatentError {
  return new LatentError("the combined score is an autoencoder detector's; the PCA detector scores by mse or mae", 'use metric mse or mae');
}
