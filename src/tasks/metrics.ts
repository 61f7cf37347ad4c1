/**
 * Anomaly-detection metrics with scikit-learn semantics: labels are 1 for an anomaly (positive)
 * and 0 for normal; a higher score means more anomalous.
 *
 * - `rocAuc` equals `sklearn.metrics.roc_auc_score`: trapezoids over the ROC points of the
 *   distinct thresholds, so tied scores count as half-correct pairs.
 * - `averagePrecision` equals `average_precision_score`: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct
 *   thresholds, a step function with no interpolation.
 * - Precision, recall and F1 are 0 where sklearn would divide by zero (its `zero_division` value).
 *
 * Invariant: every function validates its inputs and throws `LatentError` naming the offending
 * index or count; nothing mutates its inputs.
 */

import { LatentError } from '../errors.js';

/** Counts of a binary confusion matrix (positive = anomaly = label 1). */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Everything `latent evaluate` reports for an anomaly detector. */
export interface DetectorEvaluation extends Confusion, PrecisionRecallF1 {
  readonly rocAuc: number;
  /** Average precision (area under the step-wise precision–recall curve). */
  readonly prAuc: number;
  /** Precision among the n highest scores, n = number of anomalies. */
  readonly precisionAtN: number;
}

/** Scores grouped by distinct value, highest first, with cumulative positive/negative counts. */
interface Curve {
  /** Cumulative true positives at each distinct threshold (highest threshold first). */
  readonly tps: number[];
  readonly fps: number[];
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Area under the ROC curve (sklearn `roc_auc_score`).
 *
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const c = curve(labels, scores, 'rocAuc');
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const tp = c.tps[i]!;
    const fp = c.fps[i]!;
    area += ((fp - prevFp) * (tp + prevTp)) / 2;
    prevTp = tp;
    prevFp = fp;
  }
  return area / (c.positives * c.negatives);
}

/**
 * Average precision (sklearn `average_precision_score`), the usual "PR AUC" of anomaly papers.
 *
 * @example
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333…
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const c = curve(labels, scores, 'averagePrecision');
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const tp = c.tps[i]!;
    const recall = tp / c.positives;
    const precision = tp / (tp + c.fps[i]!);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

/** Points of a ROC or precision–recall curve, in drawing order. */
export interface CurvePoints {
  readonly x: number[];
  readonly y: number[];
}

/**
 * The ROC curve (false-positive rate, true-positive rate) over the distinct thresholds, from (0, 0)
 * to (1, 1), as sklearn's `roc_curve` without dropping collinear points.
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // { x: [0, 0, 0.5, 0.5, 1], y: [0, 0.5, 0.5, 1, 1] }
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): CurvePoints {
  const c = curve(labels, scores, 'rocCurve');
  return { x: [0, ...c.fps.map((fp) => fp / c.negatives)], y: [0, ...c.tps.map((tp) => tp / c.positives)] };
}

/**
 * The precision–recall curve (recall, precision) over the distinct thresholds, drawn as the step
 * function whose area is the average precision: each threshold adds a flat step from the previous
 * recall to its own at its precision.
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // { x: [0, 0.5, 0.5, 0.5, 0.5, 1], y: [1, 1, 0.5, 0.5, 0.667, 0.667] }
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): CurvePoints {
  const c = curve(labels, scores, 'precisionRecallCurve');
  const x: number[] = [];
  const y: number[] = [];
  let previousRecall = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const recall = c.tps[i]! / c.positives;
    const precision = c.tps[i]! / (c.tps[i]! + c.fps[i]!);
    // The area of this step, (Rₙ − Rₙ₋₁) Pₙ, is the average precision's term; a threshold that
    // adds only normal rows has no area and would draw a spike.
    if (recall === previousRecall) continue;
    x.push(previousRecall, recall);
    y.push(precision, precision);
    previousRecall = recall;
  }
  return { x, y };
}

/**
 * Fraction of anomalies among the `n` highest scores (default n = number of anomalies, which makes
 * it equal to R-precision). When scores tie across the cut, the tied group contributes its share
 * of anomalies pro rata — the expected value under random tie-breaking — so the answer never
 * depends on the input order.
 *
 * @example
 * precisionAtN([0, 1, 0, 1], [0.1, 0.9, 0.8, 0.2]); // 0.5
 */
export function precisionAtN(labels: ArrayLike<number>, scores: ArrayLike<number>, n?: number): number {
  const c = curve(labels, scores, 'precisionAtN');
  const total = c.positives + c.negatives;
  const count = n ?? c.positives;
  if (!Number.isInteger(count) || count < 1 || count > total) {
    throw new LatentError(
      `precisionAtN: n = ${count} must be a whole number from 1 to the number of samples (${total})`,
      'leave n out to use the number of anomalies',
    );
  }
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const tp = c.tps[i]!;
    const fp = c.fps[i]!;
    if (tp + fp >= count) {
      const groupSize = tp + fp - prevTp - prevFp;
      const taken = count - prevTp - prevFp;
      return (prevTp + (taken * (tp - prevTp)) / groupSize) / count;
    }
    prevTp = tp;
    prevFp = fp;
  }
  // Unreachable: the last group holds every sample and count ≤ total.
  return c.positives / count;
}

/**
 * Confusion counts of 0/1 predictions against 0/1 labels.
 *
 * @example
 * confusion([1, 0, 1], [1, 1, 0]); // { tp: 1, fp: 1, tn: 0, fn: 1 }
 */
export function confusion(labels: ArrayLike<number>, predictions: ArrayLike<number>): Confusion {
  checkBinary(labels, 'labels', 'confusion');
  checkSameLength(labels, predictions, 'predictions', 'confusion');
  checkBinary(predictions, 'predictions', 'confusion');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] === 1;
    const p = predictions[i] === 1;
    if (y && p) tp++;
    else if (p) fp++;
    else if (y) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/**
 * Precision, recall and F1 of the positive (anomaly) class; 0 where undefined.
 *
 * @example
 * precisionRecallF1([1, 0, 1, 1], [1, 1, 0, 1]); // { precision: 2/3, recall: 2/3, f1: 2/3 }
 */
export function precisionRecallF1(labels: ArrayLike<number>, predictions: ArrayLike<number>): PrecisionRecallF1 {
  return fromConfusion(confusion(labels, predictions));
}

/**
 * All detector metrics at once: threshold-free ones from `scores`, thresholded ones from
 * `predictions` (0/1).
 *
 * @example
 * const report = evaluateDetector(labels, scores, scores.map((s) => (s > threshold ? 1 : 0)));
 * console.log(report.rocAuc, report.f1);
 */
export function evaluateDetector(labels: ArrayLike<number>, scores: ArrayLike<number>, predictions: ArrayLike<number>): DetectorEvaluation {
  const counts = confusion(labels, predictions);
  return {
    rocAuc: rocAuc(labels, scores),
    prAuc: averagePrecision(labels, scores),
    precisionAtN: precisionAtN(labels, scores),
    ...fromConfusion(counts),
    ...counts,
  };
}

function fromConfusion({ tp, fp, fn }: Confusion): PrecisionRecallF1 {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, f1 };
}

/** Validates labels and scores, then builds the cumulative counts at each distinct threshold. */
function curve(labels: ArrayLike<number>, scores: ArrayLike<number>, fn: string): Curve {
  checkBinary(labels, 'labels', fn);
  checkSameLength(labels, scores, 'scores', fn);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new LatentError(
        `${fn}: score ${i} is ${scores[i]}; scores must be finite numbers`,
        'check the model output for NaN (for example a diverged training run)',
      );
    }
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    const only = positives === 0 ? 'normal (0)' : 'anomalous (1)';
    throw new LatentError(
      `${fn}: all ${labels.length} labels are ${only}; the metric needs both classes`,
      'evaluate on a labelled set that contains both normal samples and anomalies',
    );
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    if (labels[i] === 1) tp++;
    else fp++;
    // Only the last sample of a run of tied scores closes a threshold.
    if (r === order.length - 1 || scores[order[r + 1]!] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { tps, fps, positives, negatives };
}

function checkBinary(values: ArrayLike<number>, what: string, fn: string): void {
  if (values.length === 0) {
    throw new LatentError(`${fn}: ${what} are empty`, 'pass at least one labelled sample');
  }
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) {
      throw new LatentError(
        `${fn}: ${what}[${i}] is ${values[i]}; ${what} must be 0 (normal) or 1 (anomaly)`,
        'encode the anomaly class as 1 and everything else as 0',
      );
    }
  }
}

function checkSameLength(labels: ArrayLike<number>, other: ArrayLike<number>, what: string, fn: string): void {
  if (labels.length !== other.length) {
    throw new LatentError(
      `${fn}: ${labels.length} labels but ${other.length} ${what}`,
      `pass one ${what === 'scores' ? 'score' : 'prediction'} per labelled sample, in the same order`,
    );
  }
}
