/**
 * The top-scoring rows and, for each, the features that contribute most to its reconstruction
 * error: data for a table (the report) or a list (the playground). DOM-free.
 *
 * Invariant: rows come highest score first (ties by row number); a feature's share is its part
 * of the row's summed squared error, so a row's shares add up to at most 1.
 */

import type { Matrix } from '../../data/matrix.js';

export interface AnomalousFeature {
  readonly name: string;
  /** Squared reconstruction error of the feature in this row (scaled units²). */
  readonly error: number;
  /** The feature's part of the row's summed squared error. */
  readonly share: number;
}

export interface TopRow {
  /** Row number in the data (0-based, as every message counts rows). */
  readonly row: number;
  readonly score: number;
  readonly flagged: boolean;
  readonly label: number | null;
  readonly features: readonly AnomalousFeature[];
}

export interface TopRowsInput {
  /** One score per row of `rows`. */
  readonly scores: ArrayLike<number>;
  /** Row numbers in the data of the scored rows (default 0, 1, 2, ...). */
  readonly rows?: ArrayLike<number>;
  /** rows × features squared errors, or null (no per-feature breakdown). */
  readonly featureErrors: Matrix | null;
  readonly columns: readonly string[];
  readonly labels?: ArrayLike<number> | null;
  readonly threshold: number | null;
  /** Rows to return (default 10). */
  readonly count?: number;
  /** Features per row (default 3). */
  readonly features?: number;
}

/**
 * The highest-scoring rows with their most anomalous features.
 *
 * @example
 * topRows({ scores, featureErrors: model.featureErrors(x), columns, threshold: 0.4 })[0];
 * // { row: 17, score: 2.3, flagged: true, label: null, features: [{ name: 'pressure', error: 5.1, share: 0.62 }, ...] }
 */
export function topRows(input: TopRowsInput): TopRow[] {
  const n = input.scores.length;
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => Number.isFinite(input.scores[i]!))
    .sort((a, b) => input.scores[b]! - input.scores[a]! || a - b)
    .slice(0, input.count ?? 10);
  const perRow = input.features ?? 3;
  return order.map((i) => {
    const score = input.scores[i]!;
    return {
      row: input.rows === undefined ? i : input.rows[i]!,
      score,
      flagged: input.threshold !== null && score > input.threshold,
      label: input.labels == null ? null : input.labels[i]!,
      features: input.featureErrors === null ? [] : worstFeatures(input.featureErrors, i, input.columns, perRow),
    };
  });
}

function worstFeatures(errors: Matrix, row: number, columns: readonly string[], count: number): AnomalousFeature[] {
  const start = row * errors.cols;
  let total = 0;
  for (let c = 0; c < errors.cols; c++) total += errors.data[start + c]!;
  return Array.from({ length: errors.cols }, (_, c) => c)
    .sort((a, b) => errors.data[start + b]! - errors.data[start + a]!)
    .slice(0, count)
    .map((c) => {
      const error = errors.data[start + c]!;
      return { name: columns[c] ?? `x${c}`, error, share: total > 0 ? error / total : 0 };
    });
}
