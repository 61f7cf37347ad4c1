/**
 * Detector metrics side by side, one column per detector, as aligned text for the terminal.
 */

import { evaluationRows, type EvaluatedDetector } from '../../report/evaluation-rows.js';
import { formatLoss } from '../format.js';

export type { EvaluatedDetector } from '../../report/evaluation-rows.js';

const fixed = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

/**
 * Rows: ROC-AUC, PR-AUC, precision@n, then precision, recall, F1 and the confusion counts at the
 * threshold.
 *
 * @example
 * io.out(evaluationTable([{ name: 'autoencoder', evaluation, threshold }], 176));
 */
export function evaluationTable(detectors: readonly EvaluatedDetector[], anomalies: number): string {
  const rows = evaluationRows(anomalies).map(([label, value, kind]): [string, (d: EvaluatedDetector) => string] => [
    label,
    (d) => (kind === 'rate' ? fixed(value(d)) : kind === 'score' ? formatLoss(value(d)) : String(value(d))),
  ]);
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
