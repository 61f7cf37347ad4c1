/**
 * All-close assertion for float arrays with stated tolerances: |a - b| ≤ atol + rtol·|b| per
 * element; the failure message names the worst index and both values.
 */

import { expect } from 'vitest';

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const excess = Number.isNaN(a) !== Number.isNaN(b) ? Infinity : Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`values differ at index ${worst}: ${actual[worst]} vs ${expected[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}
