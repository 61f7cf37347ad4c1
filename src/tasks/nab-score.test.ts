import { describe, expect, it } from 'vitest';
import { nabScore, scaledSigmoid } from './nab-score.js';

function flagsAt(n: number, rows: number[]): Uint8Array {
  const flags = new Uint8Array(n);
  for (const r of rows) flags[r] = 1;
  return flags;
}

describe('nabScore (standard profile)', () => {
  it('scaled sigmoid: 0 at the window end, about ±0.987 one window away, −1 far behind', () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866143, 7);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.9866143, 7);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  // Worked by hand: window [10, 14] of 5 rows in 40 rows.
  // Flag at 11: y = −(14 − 11 + 1)/5 = −0.8, worth σ(−0.8)/σ(−1) = 0.96403/0.98661 = 0.977107;
  // the flag at 12 is later, so it does not count. Flag at 2 (no window before): −0.11.
  // Flag at 16: y = (16 − 14)/(5 − 1) = 0.5, costs 0.11·σ(0.5) = 0.11·(−0.84828) = −0.093311.
  it('scores early detection, ignores later flags in the window, weighs false positives by distance', () => {
    const result = nabScore(flagsAt(40, [2, 11, 12, 16]), [[10, 14]]);
    expect(result.raw).toBeCloseTo(0.7737956, 6);
    expect(result.nullScore).toBe(-1);
    expect(result.perfect).toBe(1);
    expect(result.normalized).toBeCloseTo(88.68978, 4);
    expect([result.detected, result.missed, result.falsePositives]).toEqual([1, 0, 2]);
  });

  it('charges a missed window A_FN and normalises between the null and the perfect detector', () => {
    const result = nabScore(flagsAt(40, [2, 11, 12, 16]), [
      [10, 14],
      [30, 34],
    ]);
    expect(result.raw).toBeCloseTo(0.7737956 - 1, 6);
    expect(result.normalized).toBeCloseTo(44.34489, 4);
    expect(nabScore(new Uint8Array(40), [[10, 14]]).normalized).toBe(0);
    expect(nabScore(flagsAt(40, [10]), [[10, 14]]).normalized).toBeCloseTo(100, 10);
  });

  it('skips the probation rows, and has no normalised score without windows', () => {
    const result = nabScore(flagsAt(40, [1, 5, 25]), [], { probation: 6 });
    expect(result.normalized).toBeUndefined();
    expect(result.raw).toBeCloseTo(-0.11, 12);
    expect(result.falsePositives).toBe(1);
  });

  it('rejects windows out of order or outside the series', () => {
    expect(() => nabScore(new Uint8Array(10), [[5, 12]])).toThrow(/window 0 \[5, 12\]/);
    expect(() =>
      nabScore(new Uint8Array(10), [
        [5, 6],
        [2, 3],
      ]),
    ).toThrow(/window 1/);
  });
});
