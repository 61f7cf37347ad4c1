/**
 * Detector metrics side by side, one column per detector, as aligned text for the terminal.
 */

import type { DetectorEvaluation } from '../../tasks/metrics.js';
import { formatLoss } from '../format.js';

export interface EvaluatedDetector {
  readonly name: string;
  readonly evaluation: DetectorEvaluation;
  readonly threshold: number;
}

const fixed = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

/**
 * Rows: ROC-AUC, PR-AUC, precision@n, then precision, recall, F1 and the confusion counts at the
 * threshold.
 *
 * @example
 * io.out(evaluationTable([{ name: 'autoencoder', evaluation, threshold }], 176));
 */
export function evaluationTable(detectors: readonly EvaluatedDetector[], anomalies: number): string {
  const rows: Array<[string, (d: EvaluatedDetector) => string]> = [
    ['ROC-AUC', (d) => fixed(d.evaluation.rocAuc)],
    ['PR-AUC (average precision)', (d) => fixed(d.evaluation.prAuc)],
    [`precision@n (n = ${anomalies})`, (d) => fixed(d.evaluation.precisionAtN)],
    ['threshold', (d) => formatLoss(d.threshold)],
    ['precision at the threshold', (d) => fixed(d.evaluation.precision)],
    ['recall at the threshold', (d) => fixed(d.evaluation.recall)],
    ['F1 at the threshold', (d) => fixed(d.evaluation.f1)],
    ['true positives', (d) => String(d.evaluation.tp)],
    ['false positives', (d) => String(d.evaluation.fp)],
    ['true negatives', (d) => String(d.evaluation.tn)],
    ['false negatives', (d) => String(d.evaluation.fn)],
  ];
  const cells = [['', ...detectors.map((d) => d.name)], ...rows.map(([label, value]) => [label, ...detectors.map(value)])];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('   ')
        .trimEnd(),
    )
    .map((line) => `  ${line}\n`)
    .join('');
}
