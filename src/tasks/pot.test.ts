import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { fitGpd, potThreshold } from './pot.js';
import { computeThreshold } from './threshold.js';

/** n draws of `draw`, ascending. */
function sample(n: number, draw: () => number): Float64Array {
  return Float64Array.from({ length: n }, draw).sort();
}

function exceedance(threshold: number, fresh: Float64Array): number {
  let above = 0;
  for (const v of fresh) if (v > threshold) above++;
  return above / fresh.length;
}

describe('potThreshold', () => {
  const rng = new Rng(7);
  // Exponential(1): the GPD tail with γ = 0; the exact (1 − risk) quantile is −ln(risk).
  const exponential = (): number => -Math.log(1 - rng.uniform());
  // Pareto with tail index 3 (γ = 1/3): P(X > x) = x^(−3) for x ≥ 1.
  const pareto = (): number => (1 - rng.uniform()) ** (-1 / 3);

  it.each([
    ['exponential', exponential, 1e-3],
    ['exponential', exponential, 1e-4],
    ['pareto', pareto, 1e-3],
  ] as const)('on %s scores, a fresh sample exceeds the threshold at about the risk %s', (_name, draw, risk) => {
    const calibration = sample(50_000, draw);
    const threshold = potThreshold(calibration, risk);
    const fresh = sample(1_000_000, draw);
    const rate = exceedance(threshold, fresh);
    // Within a factor of 1.5 of the risk: well beyond the empirical 0.98 quantile it starts from.
    expect(rate).toBeGreaterThan(risk / 1.5);
    expect(rate).toBeLessThan(risk * 1.5);
  });

  it.each([0.9, 0.95])('fits the tail from the %s quantile when asked, with the same exceedance rate', (level) => {
    const calibration = sample(50_000, exponential);
    const threshold = potThreshold(calibration, 1e-3, level);
    expect(threshold).not.toBe(potThreshold(calibration, 1e-3));
    const rate = exceedance(threshold, sample(1_000_000, exponential));
    expect(rate).toBeGreaterThan(1e-3 / 1.5);
    expect(rate).toBeLessThan(1e-3 * 1.5);
  });

  it('extrapolates past the largest calibration score when the risk is below 1/n', () => {
    const calibration = sample(2_000, exponential);
    expect(potThreshold(calibration, 1e-5)).toBeGreaterThan(calibration[calibration.length - 1]!);
  });

  it('recovers the shape of a Pareto tail', () => {
    const excesses = Array.from({ length: 20_000 }, () => pareto() - 1);
    // Pareto(3) minus 1 is GPD with γ = 1/3, σ = 1/3.
    const { gamma, sigma } = fitGpd(excesses);
    expect(gamma).toBeCloseTo(1 / 3, 1);
    expect(sigma).toBeCloseTo(1 / 3, 1);
  });

  it('handles constant scores and a few scores', () => {
    expect(potThreshold(new Float64Array(100).fill(2), 1e-3)).toBe(2);
    expect(computeThreshold({ kind: 'pot', risk: 1e-3 }, [3, 1, 2])).toBeGreaterThanOrEqual(2.96);
    expect(Number.isFinite(computeThreshold({ kind: 'pot', risk: 1e-3 }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]))).toBe(true);
  });
});
