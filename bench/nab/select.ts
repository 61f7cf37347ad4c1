/**
 * Choosing the series defaults by leave-one-series-out: for each labelled series, the candidate
 * (window choice, point-score mode, threshold rule) with the best objective on all the other
 * series is applied to it, so no series' own labels choose its setting.
 *
 * Objective: the mean NAB standard score (normalised 0–100) over the series, each floored at
 * NAB_FLOOR. NAB rewards early detection of each window and charges every flag outside one, so
 * flagging much or flagging nothing both lose; it is the benchmark's own single number. The floor
 * keeps one series whose level shifts after training (thousands of flags, a score of −500)
 * from outvoting all the others: below −100 a setting is simply unusable on that series.
 */

/** Per-series floor of the NAB score in the objective. */
export const NAB_FLOOR = -100;

import type { Metrics } from './evaluate.js';

/** Metrics by candidate key, per series name. */
export type ResultTable = Map<string, Map<string, Metrics>>;

export function objective(table: ResultTable, names: readonly string[], candidate: string): number {
  let sum = 0;
  for (const name of names) sum += Math.max(NAB_FLOOR, table.get(name)!.get(candidate)?.nab ?? -Infinity);
  return sum / names.length;
}

/** The candidate with the best objective on `names` (ties: the first in `candidates`). */
export function bestCandidate(table: ResultTable, names: readonly string[], candidates: readonly string[]): string {
  let best = candidates[0]!;
  let bestValue = -Infinity;
  for (const c of candidates) {
    const v = objective(table, names, c);
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/** For each series, the candidate chosen without it. */
export function leaveOneOut(table: ResultTable, names: readonly string[], candidates: readonly string[]): Map<string, string> {
  return new Map(
    names.map((held) => [
      held,
      bestCandidate(
        table,
        names.filter((n) => n !== held),
        candidates,
      ),
    ]),
  );
}
