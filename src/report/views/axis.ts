/**
 * Axes for the chart views: "nice" linear ticks (1, 2 or 5 × 10^k apart), log10 ticks, and the
 * mapping from data to pixels. Browser-safe.
 *
 * Invariant: an axis always has min < max, also for empty or constant data, so no mapping divides
 * by zero.
 */

export interface Axis {
  /** Lower end (for a log axis: the exponent of the lower decade). */
  readonly min: number;
  readonly max: number;
  readonly ticks: number[];
  readonly log: boolean;
}

/**
 * A linear axis with about `count` nice ticks covering the values (or `domain` exactly).
 *
 * @example
 * linearAxis([0.13, 0.92]).ticks; // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function linearAxis(values: readonly number[], domain?: readonly [number, number], count = 5): Axis {
  let [lo, hi] = domain ?? (values.length > 0 ? extent(values) : [0, 1]);
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / count);
  const min = domain ? lo : Math.floor(lo / step) * step;
  const max = domain ? hi : Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9) * step;
  for (let i = 0; first + i * step <= max + step * 1e-9; i++) ticks.push(Number((first + i * step).toPrecision(12)));
  return { min, max, ticks, log: false };
}

/**
 * A log10 axis from the decade below the smallest positive value to the decade above the largest.
 *
 * @example
 * logAxis([0.004, 0.3]).ticks; // [0.001, 0.01, 0.1, 1]
 */
export function logAxis(values: readonly number[]): Axis {
  const positive = values.filter((v) => v > 0);
  const [lo, hi] = positive.length > 0 ? extent(positive) : [1, 10];
  let min = Math.floor(Math.log10(lo));
  let max = Math.ceil(Math.log10(hi));
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const every = Math.max(1, Math.ceil((max - min) / 8));
  // Within one or two decades, powers of ten alone are too sparse to read values off.
  const mantissas = max - min <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = min; e <= max; e += every) {
    for (const m of mantissas) if (e < max || m === 1) ticks.push(Number(`${m}e${e}`));
  }
  return { min, max, ticks, log: true };
}

/** Position of `value` on `axis` as a fraction from 0 (min) to 1 (max). */
export function axisFraction(axis: Axis, value: number): number {
  const v = axis.log ? Math.log10(value) : value;
  return (v - axis.min) / (axis.max - axis.min);
}

/** [min, max] without spreading into Math.min, which overflows the stack on long histories. */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}
