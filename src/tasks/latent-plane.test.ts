import { describe, expect, it } from 'vitest';
import { normalQuantile, planeAxis, planeCodes, planeRows } from './latent-plane.js';

describe('latent plane', () => {
  it('places the latent plane on standard-normal quantiles from 0.05 to 0.95, z₂ decreasing down the rows', () => {
    // Reference values of Φ⁻¹ (scipy.stats.norm.ppf).
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 6);
    const axis = planeAxis(12);
    expect(axis[0]).toBeCloseTo(-1.6448536, 5);
    expect(axis[11]).toBeCloseTo(1.6448536, 5);
    // 0.05 + 0.9·5/11 = 0.4590…: Φ⁻¹ = −0.1025…
    expect(axis[5]).toBeCloseTo(normalQuantile(0.05 + (0.9 * 5) / 11), 6);
    expect(axis[5]).toBeCloseTo(-axis[6]!, 6);
    const codes = planeCodes(axis, 3);
    expect(codes).toHaveLength(144 * 3);
    const cell = (i: number): number[] => Array.from(codes.subarray(3 * i, 3 * i + 3));
    expect(cell(0)).toEqual([axis[0], axis[11], 0]); // top left: lowest z₁, highest z₂
    expect(cell(11)).toEqual([axis[11], axis[11], 0]);
    expect(cell(143)).toEqual([axis[11], axis[0], 0]);
    expect(cell(12 * 4 + 7)).toEqual([axis[7], axis[7], 0]);
    expect(Array.from(planeCodes(axis, 1))).toEqual(Array.from(axis)); // one row along z₁
  });

  it('gives one row for a one-dimensional latent and the edge values outside (0, 1)', () => {
    expect(planeRows(5, 1)).toBe(1);
    expect(planeRows(5, 2)).toBe(5);
    expect(Array.from(planeAxis(1))).toEqual([0]);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
