/**
 * Float comparison for backend conformance tests: |actual - expected| ≤ atol + rtol·|expected|
 * per element, with NaN matching NaN and infinities matching exactly. Returns a description of
 * the worst element (or null when all are close), so a failing test says where and by how much.
 */

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Elementwise kernels: a few float32 ulp. */
export const ELEMENTWISE: Tolerance = { rtol: 1e-5, atol: 1e-6 };

/** GEMM with inner dimension k: rounding grows like sqrt(k). */
export function gemmTolerance(k: number): Tolerance {
  return { rtol: 1e-4 * Math.sqrt(Math.max(1, k)), atol: 1e-5 * Math.sqrt(Math.max(1, k)) };
}

export function allCloseReport(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ expected ${expected.length}`;
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
    } else if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a === e) continue;
    } else {
      const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
      if (excess <= 0) continue;
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
      bad++;
      continue;
    }
    if (worst < 0 || !Number.isFinite(worstExcess)) {
      worst = i;
      worstExcess = Infinity;
    }
    bad++;
  }
  if (bad === 0) return null;
  return (
    `${bad} of ${expected.length} elements differ; worst at [${worst}]: ` +
    `actual ${actual[worst]} vs expected ${expected[worst]} (rtol ${tol.rtol}, atol ${tol.atol})`
  );
}

/** Throws with the report when `actual` and `expected` are not all close. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what = ''): void {
  const report = allCloseReport(actual, expected, tol);
  if (report !== null) throw new Error(`${what ? `${what}: ` : ''}${report}`);
}
