/**
 * The threshold half of every detector (`AutoencoderDetector`, `PcaDetector`): a calibration
 * `{ metric, rule, threshold }` set from the scores of the training (or other normal) rows, and
 * `predict`, `evaluate` and `calibrate` on top of the scores a detector computes. A detector
 * supplies only how it scores rows (`scoreWith`, `featureScores`) and how it fits.
 *
 * Invariant: `trainingScores` are the scores the current threshold was computed from.
 */

import type { Matrix } from '../data/matrix.js';
import type { ModelInput } from '../models/autoencoder.js';
import {
  calibrationFrom,
  checkLabels,
  checkMetric,
  DEFAULT_RULE,
  evaluateScores,
  flagAbove,
  requireCalibration,
  type Calibration,
  type Detector,
  type FeatureScores,
  type ScoreMetric,
} from './detector-common.js';
import type { DetectorEvaluation } from './metrics.js';
import { toRule, type RuleInput } from './task-options.js';
import type { ThresholdRule } from './threshold.js';

/** The rule and metric a detector uses before it is calibrated. */
export interface CalibrationDefaults {
  readonly rule?: ThresholdRule;
  readonly metric?: ScoreMetric;
}

/** Fewer held-out rows than this are too few for a quantile: the threshold uses every row then. */
export const MIN_HELD_OUT = 10;

export abstract class CalibratedDetector implements Detector {
  protected calibration: Calibration | undefined;
  protected scoresOfTraining: Float64Array | undefined;

  /** `what` names the detector in errors, e.g. `the PCA detector`. */
  protected constructor(
    private readonly defaults: CalibrationDefaults,
    private readonly what: string,
  ) {}

  abstract fit(x: Matrix): Detector | Promise<Detector>;

  score(x: ModelInput, metric?: ScoreMetric): Float64Array;
  score(x: ModelInput, metric: 'feature'): FeatureScores;
  /**
   * Per-sample reconstruction errors in the detector's scaled units (higher = more anomalous).
   * Rows placed with `place` are read in place where the detector's network reads them.
   */
  score(x: ModelInput, metric: ScoreMetric | 'feature' = this.metric): Float64Array | FeatureScores {
    checkMetric(metric);
    return metric === 'feature' ? this.featureScores(x) : this.scoreWith(x, metric);
  }

  predict(x: ModelInput): Uint8Array {
    return flagAbove(this.score(x), this.threshold);
  }

  evaluate(x: ModelInput, labels: ArrayLike<number>): DetectorEvaluation {
    checkLabels(labels, x.rows);
    return evaluateScores(labels, this.score(x), this.threshold);
  }

  /**
   * Set the threshold from the scores of `x` with `rule` (default: the current rule), over the
   * rows `heldOut` of `x` only when given (see `calibrateWith`).
   */
  calibrate(x: Matrix, rule: RuleInput = this.rule, heldOut?: Uint32Array): this {
    this.calibrateWith(x, this.metric, toRule(rule, 'calibrate') ?? this.rule, heldOut);
    return this;
  }

  get threshold(): number {
    return requireCalibration(this.calibration, this.what).threshold;
  }

  get rule(): ThresholdRule {
    return this.calibration?.rule ?? this.defaults.rule ?? DEFAULT_RULE;
  }

  get metric(): ScoreMetric {
    return this.calibration?.metric ?? this.defaults.metric ?? 'mse';
  }

  /** Scores of the data the threshold was computed from (PyOD's `decision_scores_`). */
  get trainingScores(): Float64Array | undefined {
    return this.scoresOfTraining?.slice();
  }

  /** The calibration, or an error saying how to get one. */
  protected requireCalibration(): Calibration {
    return requireCalibration(this.calibration, this.what);
  }

  /**
   * Score `x` with `metric` and set the threshold of `rule` over those scores — over the rows
   * `heldOut` only when given (rows the model did not train on: in-sample scores are optimistic,
   * so a threshold taken on them flags too many new rows).
   */
  protected calibrateWith(x: Matrix, metric: ScoreMetric, rule: ThresholdRule, heldOut?: Uint32Array): void {
    const scores = this.scoreWith(x, metric);
    this.scoresOfTraining = scores;
    const basis = heldOut === undefined || heldOut.length < MIN_HELD_OUT ? scores : Float64Array.from(heldOut, (i) => scores[i]!);
    this.calibration = calibrationFrom(metric, rule, basis);
  }

  /** One score per row of `x`. */
  protected abstract scoreWith(x: ModelInput, metric: ScoreMetric): Float64Array;

  /** The per-sample MSE and the per-feature squared errors behind it. */
  protected abstract featureScores(x: ModelInput): FeatureScores;
}

/** Mean of each row, in float64. */
export function rowMeans(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let c = 0; c < m.cols; c++) s += m.data[r * m.cols + c]!;
    out[r] = s / m.cols;
  }
  return out;
}
