/**
 * Choosing the series defaults by leave-one-series-out: for each labelled series, the candidate
 * (window choice, point-score mode, threshold rule, alarm rule) that is best on all the other
 * series is applied to it, so no series' own labels choose its setting.
 *
 * "Best" has two parts:
 * - **The targets first.** A candidate whose means over the series it is chosen on reach the
 *   figures a default must reach (TARGETS: precision of the flags, share of labelled windows
 *   with a flag, share of points flagged) beats one that does not. The targets are the product's
 *   requirements, fixed before any selection; they are never adjusted to what a run gives.
 * - **Then the NAB standard score** (normalised 0–100, mean over the series, each floored at
 *   NAB_FLOOR). NAB rewards early detection of each window and charges every flag outside one, so
 *   flagging much or flagging nothing both lose; it is the benchmark's own single number. The
 *   floor keeps one series whose level shifts after training (thousands of flags, a score of
 *   −500) from outvoting all the others: below −100 a setting is simply unusable on that series.
 * NAB's standard profile values a detected window nine times as much as a false alarm costs, so
 * on its own it drifts towards settings that flag more than the precision target allows (and the
 * choice then swings with which series is left out); ranking by it only among the candidates
 * that meet the targets keeps both. When no candidate meets them, the NAB score alone decides.
 */

import type { Metrics } from './evaluate.js';

/** Per-series floor of the NAB score in the objective. */
export const NAB_FLOOR = -100;

/** What a default must reach, as means over the series it is chosen on. */
export const TARGETS = {
  /** Mean precision of the flags (over the series with flags) at least this. */
  precision: 0.5,
  /** Mean share of labelled windows with at least one flag at least this. */
  windowRecall: 0.6,
  /** Mean share of points flagged at most this. */
  flagged: 0.05,
} as const;

/** Metrics by candidate key, per series name. */
export type ResultTable = Map<string, Map<string, Metrics>>;

/** Mean NAB score of `candidate` over `names`, each series floored at NAB_FLOOR. */
export function objective(table: ResultTable, names: readonly string[], candidate: string): number {
  let sum = 0;
  for (const name of names) sum += Math.max(NAB_FLOOR, table.get(name)!.get(candidate)?.nab ?? -Infinity);
  return sum / names.length;
}

/** Mean of the values that are defined (a series without flags has no precision); undefined when none is. */
export function meanDefined(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : defined.reduce((a, b) => a + b, 0) / defined.length;
}

/** Whether `candidate`'s means over `names` reach TARGETS (a series without flags has no precision). */
export function meetsTargets(table: ResultTable, names: readonly string[], candidate: string): boolean {
  const rows = names.map((name) => table.get(name)!.get(candidate));
  if (rows.some((m) => m === undefined)) return false;
  const metrics = rows as Metrics[];
  const precision = meanDefined(metrics.map((m) => m.precision));
  const recall = meanDefined(metrics.map((m) => m.windowRecall));
  const flagged = meanDefined(metrics.map((m) => m.flagged))!;
  return (
    precision !== undefined &&
    precision >= TARGETS.precision &&
    recall !== undefined &&
    recall >= TARGETS.windowRecall &&
    flagged <= TARGETS.flagged
  );
}

/**
 * The best candidate on `names`: the best objective among those that meet TARGETS there, or
 * among all of them when none does (ties: the first in `candidates`).
 */
export function bestCandidate(table: ResultTable, names: readonly string[], candidates: readonly string[]): string {
  const feasible = candidates.filter((c) => meetsTargets(table, names, c));
  const pool = feasible.length > 0 ? feasible : candidates;
  let best = pool[0]!;
  let bestValue = -Infinity;
  for (const c of pool) {
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
