/**
 * The rows of a detector evaluation, in words: ROC-AUC, PR-AUC, precision@n, then precision,
 * recall, F1 and the confusion counts at the threshold. One list for the terminal table of
 * `latent evaluate` and the evaluation report, so both say the same thing. Browser-safe.
 */

import type { DetectorEvaluation } from '../tasks/metrics.js';

export interface EvaluatedDetector {
  readonly name: string;
  readonly evaluation: DetectorEvaluation;
  readonly threshold: number;
}

/** A row: its label and how to read its value off an evaluated detector. */
export type EvaluationRow = readonly [label: string, value: (d: EvaluatedDetector) => number, kind: 'rate' | 'count' | 'score'];

/**
 * @example
 * evaluationRows(176).map(([label]) => label); // ['ROC-AUC', 'PR-AUC (average precision)', 'precision@n (n = 176)', ...]
 */
export function evaluationRows(anomalies: number): EvaluationRow[] {
  return [
    ['ROC-AUC', (d) => d.evaluation.rocAuc, 'rate'],
    ['PR-AUC (average precision)', (d) => d.evaluation.prAuc, 'rate'],
    [`precision@n (n = ${anomalies})`, (d) => d.evaluation.precisionAtN, 'rate'],
    ['threshold', (d) => d.threshold, 'score'],
    ['precision at the threshold', (d) => d.evaluation.precision, 'rate'],
    ['recall at the threshold', (d) => d.evaluation.recall, 'rate'],
    ['F1 at the threshold', (d) => d.evaluation.f1, 'rate'],
    ['true positives', (d) => d.evaluation.tp, 'count'],
    ['false positives', (d) => d.evaluation.fp, 'count'],
    ['true negatives', (d) => d.evaluation.tn, 'count'],
    ['false negatives', (d) => d.evaluation.fn, 'count'],
  ];
}
