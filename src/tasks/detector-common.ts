/**
 * What every anomaly detector shares, PyOD-style: scores are reconstruction errors (higher = more
 * anomalous), the threshold comes from a `ThresholdRule` applied to the scores of the training
 * data, a sample is flagged when its score is strictly above the threshold.
 *
 * Also the stored form of a detector's threshold — `{ metric, rule, threshold }`, kept under the
 * key `detector` of a model file's metadata `extra` — and the label checks of `evaluate`.
 */

import type { Matrix } from '../data/matrix.js';
import type { ModelInput } from '../models/autoencoder.js';
import { LatentError } from '../errors.js';
import type { DetectorEvaluation } from './metrics.js';
import { evaluateDetector } from './metrics.js';
import { computeThreshold, formatThresholdRule, parseThresholdRule, type ThresholdRule } from './threshold.js';

/**
 * Per-sample score: mean squared or mean absolute reconstruction error over the features;
 * `combined` (autoencoder detectors): the per-feature normalised reconstruction error plus the
 * Mahalanobis distance of the latent code, each relative to the training rows (combined-score.ts);
 * or (VAE models only) the negative ELBO in nats — reconstruction negative log-likelihood plus the
 * KL divergence of the code, so rows whose code is unlikely score high as well as rows that
 * reconstruct badly.
 */
export type ScoreMetric = 'mse' | 'mae' | 'combined' | 'elbo';

export const SCORE_METRICS: readonly ScoreMetric[] = ['mse', 'mae', 'combined', 'elbo'];

/** `score(x, 'feature')`: the per-sample MSE and the per-feature squared errors behind it. */
export interface FeatureScores {
  /** One score per row (the mean of the row of `features`). */
  readonly scores: Float64Array;
  /** rows × features squared errors, in the detector's scaled units. */
  readonly features: Matrix;
}

/** The common interface of `AutoencoderDetector` and `PcaDetector`. */
export interface Detector {
  fit(x: Matrix): Detector | Promise<Detector>;
  /** Per-sample anomaly scores (default: the detector's metric); `x` may be rows placed with `place`. */
  score(x: ModelInput, metric?: ScoreMetric): Float64Array;
  score(x: ModelInput, metric: 'feature'): FeatureScores;
  /** 1 where the score is above the threshold, else 0. */
  predict(x: ModelInput): Uint8Array;
  /** ROC-AUC, PR-AUC, precision@n and the confusion counts at the threshold. */
  evaluate(x: ModelInput, labels: ArrayLike<number>): DetectorEvaluation;
  /** Set the threshold from the scores of `x` (normal or mostly normal data) with `rule`. */
  calibrate(x: Matrix, rule?: ThresholdRule | string, heldOut?: Uint32Array): this;
  readonly threshold: number;
  readonly rule: ThresholdRule;
  readonly metric: ScoreMetric;
}

/** The default rule: PyOD's default contamination of 10 %. */
export const DEFAULT_RULE: ThresholdRule = { kind: 'contamination', fraction: 0.1 };

/** Threshold settings as stored in a model file (`extra.detector`). */
export interface DetectorExtra {
  readonly metric: ScoreMetric;
  /** The rule in its CLI spelling, e.g. `contamination:0.1`. */
  readonly rule: string;
  readonly threshold: number;
}

/** Threshold state of a fitted detector. */
export interface Calibration {
  readonly metric: ScoreMetric;
  readonly rule: ThresholdRule;
  readonly threshold: number;
}

/**
 * The threshold of `rule` over `scores`.
 *
 * @example
 * calibrationFrom('mse', { kind: 'max' }, [0.1, 0.3]); // { metric: 'mse', rule: { kind: 'max' }, threshold: 0.3 }
 */
export function calibrationFrom(metric: ScoreMetric, rule: ThresholdRule, scores: ArrayLike<number>): Calibration {
  return { metric, rule, threshold: computeThreshold(rule, scores) };
}

/**
 * Throws the rule's own error (e.g. a contamination outside (0, 0.5]) — called before training,
 * so a bad rule fails at once rather than after the model has trained.
 */
export function checkRule(rule: ThresholdRule): void {
  parseThresholdRule(formatThresholdRule(rule));
}

/** 0/1 flags: 1 where `scores[i] > threshold`. */
export function flagAbove(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i]! > threshold ? 1 : 0;
  return out;
}

/** Checks that `labels` has one 0/1 entry per row of the scored data, naming the first bad one. */
export function checkLabels(labels: ArrayLike<number>, rows: number): void {
  if (labels.length !== rows) {
    throw new LatentError(
      `evaluate: ${labels.length} labels for ${rows} samples`,
      'pass one label per row of the data (1 = anomaly, 0 = normal)',
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) {
      throw new LatentError(
        `evaluate: label ${i} is ${String(v)}; labels must be 0 (normal) or 1 (anomaly)`,
        'map the label column to 0/1 first (for example 1 for the anomaly class, 0 for all others)',
      );
    }
  }
}

/** `evaluate` for any detector: threshold-free metrics from the scores, the rest from the flags. */
export function evaluateScores(labels: ArrayLike<number>, scores: Float64Array, threshold: number): DetectorEvaluation {
  checkLabels(labels, scores.length);
  return evaluateDetector(labels, scores, flagAbove(scores, threshold));
}

/** The stored form of a calibration. */
export function calibrationToExtra(c: Calibration): DetectorExtra {
  return { metric: c.metric, rule: formatThresholdRule(c.rule), threshold: c.threshold };
}

/**
 * Reads `{ metric, rule, threshold }` back; `source` names the file in errors.
 *
 * @example
 * const c = calibrationFromExtra(loaded.extra['detector'], 'model.safetensors');
 */
export function calibrationFromExtra(value: unknown, source: string): Calibration {
  const fail = (why: string): LatentError =>
    new LatentError(
      `${source}: invalid detector settings: ${why}`,
      'the file was edited or written by another tool; fit the detector again',
    );
  if (typeof value !== 'object' || value === null) throw fail('expected an object');
  const metric: unknown = Reflect.get(value, 'metric');
  const rule: unknown = Reflect.get(value, 'rule');
  const threshold: unknown = Reflect.get(value, 'threshold');
  if (!isScoreMetric(metric)) throw fail(`metric ${JSON.stringify(metric)} is not one of ${SCORE_METRICS.join(', ')}`);
  if (typeof rule !== 'string') throw fail('rule must be a string such as "contamination:0.1"');
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw fail('threshold must be a finite number');
  return { metric, rule: parseThresholdRule(rule), threshold };
}

export function isScoreMetric(value: unknown): value is ScoreMetric {
  return SCORE_METRICS.some((m) => m === value);
}

/** Throws unless `metric` is a score metric or 'feature' (for values arriving from JS callers). */
export function checkMetric(metric: unknown): asserts metric is ScoreMetric | 'feature' {
  if (!isScoreMetric(metric) && metric !== 'feature') {
    throw new LatentError(`unknown score metric ${JSON.stringify(metric)}`, 'use mse, mae, combined, elbo (VAE models) or feature');
  }
}

/** The error for the `elbo` metric on a model that has no ELBO; `what` names the model. */
export function elboUnavailable(what: string): LatentError {
  return new LatentError(
    `the elbo score needs a variational autoencoder; ${what} has no ELBO`,
    'use --metric mse or mae, or train a VAE (--model vae) to score by negative ELBO',
  );
}

/** The calibration, or an error saying how to get one. */
export function requireCalibration(c: Calibration | undefined, what: string): Calibration {
  if (c === undefined) {
    throw new LatentError(
      `${what} has no threshold yet`,
      'fit it (fit sets the threshold from the training scores) or call calibrate(normalData, rule)',
    );
  }
  return c;
}
