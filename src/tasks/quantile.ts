/**
 * The empirical quantile of sorted values, shared by the threshold rules and peaks-over-threshold.
 * Invariant: numpy.quantile's default (linear) method, so thresholds match Python tooling.
 */

/**
 * The q-quantile (q in [0, 1]) of ascending values, interpolating linearly between the two nearest
 * order statistics (numpy's default method).
 *
 * @example
 * quantileSorted([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = position - lo;
  return sorted[lo]! + t * (sorted[hi]! - sorted[lo]!);
}
