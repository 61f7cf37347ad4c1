/**
 * ROC and precision–recall curves of one or more anomaly scorers against 0/1 labels, each scorer
 * named with its area in the legend; the ROC chart has the chance diagonal and the PR chart the
 * anomaly share (a random scorer's precision). DOM-free SVG strings.
 *
 * Invariant: the areas in the legends are the library's `rocAuc` and `averagePrecision`, the
 * numbers `latent evaluate` prints, and the PR step curve has exactly that area.
 */

import { averagePrecision, precisionRecallCurve, rocAuc, rocCurve } from '../../tasks/metrics.js';
import type { CurvePoints } from '../../tasks/metrics.js';
import { lineChart } from '../svg-chart.js';

export interface ScoredDetector {
  readonly name: string;
  /** One score per row, higher = more anomalous. */
  readonly scores: ArrayLike<number>;
}

export interface DetectionCurvesInput {
  /** 1 = anomaly, 0 = normal, one per row. */
  readonly labels: ArrayLike<number>;
  readonly detectors: readonly ScoredDetector[];
  readonly width?: number;
  readonly height?: number;
}

/**
 * The ROC chart (false-positive rate against true-positive rate).
 *
 * @example
 * rocCurvesSvg({ labels, detectors: [{ name: 'autoencoder', scores }, { name: 'PCA', scores: pcaScores }] });
 */
export function rocCurvesSvg(input: DetectionCurvesInput): string {
  const series = input.detectors.map((d) => {
    const curve = thin(rocCurve(input.labels, d.scores));
    return { name: `${d.name} (AUC ${rocAuc(input.labels, d.scores).toFixed(3)})`, values: curve.y, x: curve.x };
  });
  return lineChart({
    title: 'ROC curve',
    xLabel: 'false-positive rate (share of normal rows flagged)',
    yLabel: 'true-positive rate (recall)',
    xDomain: [0, 1],
    yDomain: [0, 1],
    width: input.width ?? 480,
    height: input.height ?? 420,
    series: [...series, { name: 'chance', values: [0, 1], x: [0, 1], color: '#888888', dashed: true }],
    description: `How many anomalies each scorer catches (up) for how many normal rows it flags (across) as its threshold falls; ${series.map((s) => s.name).join('; ')}.`,
  });
}

/**
 * The precision–recall chart, as step curves whose areas are the average precisions.
 *
 * @example
 * precisionRecallSvg({ labels, detectors: [{ name: 'autoencoder', scores }] });
 */
export function precisionRecallSvg(input: DetectionCurvesInput): string {
  let positives = 0;
  for (let i = 0; i < input.labels.length; i++) positives += input.labels[i]!;
  const base = input.labels.length === 0 ? 0 : positives / input.labels.length;
  const series = input.detectors.map((d) => {
    const curve = thin(precisionRecallCurve(input.labels, d.scores));
    return { name: `${d.name} (AP ${averagePrecision(input.labels, d.scores).toFixed(3)})`, values: curve.y, x: curve.x };
  });
  return lineChart({
    title: 'Precision–recall curve',
    xLabel: 'recall (share of anomalies flagged)',
    yLabel: 'precision (share of flagged rows that are anomalies)',
    xDomain: [0, 1],
    yDomain: [0, 1],
    width: input.width ?? 480,
    height: input.height ?? 420,
    series: [
      ...series,
      { name: `random (${(100 * base).toFixed(1)}% anomalies)`, values: [base, base], x: [0, 1], color: '#888888', dashed: true },
    ],
    description: `Precision against recall as the threshold falls; AP is the average precision (area under the step curve); ${series.map((s) => s.name).join('; ')}.`,
  });
}

/** Most points drawn per curve: more are invisible at chart size and only make the file large. */
export const CURVE_POINTS = 2000;

/** Every k-th point of a long curve, always keeping the first and the last. */
function thin(curve: CurvePoints): CurvePoints {
  const n = curve.x.length;
  if (n <= CURVE_POINTS) return curve;
  const keep = Array.from({ length: CURVE_POINTS }, (_, i) => Math.round((i * (n - 1)) / (CURVE_POINTS - 1)));
  return { x: keep.map((i) => curve.x[i]!), y: keep.map((i) => curve.y[i]!) };
}
