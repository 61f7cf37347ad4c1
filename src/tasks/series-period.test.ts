import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { dominantPeriod, FALLBACK_WINDOW } from './series-period.js';

function series(values: number[], channels = 1): { data: Float32Array; rows: number; cols: number } {
  return { data: Float32Array.from(values), rows: values.length / channels, cols: channels };
}

describe('dominantPeriod', () => {
  const rng = new Rng(3);

  it.each([24, 48, 100])('finds the period %i of a noisy sine', (period) => {
    const values = Array.from({ length: 2000 }, (_, t) => Math.sin((2 * Math.PI * t) / period) + 0.3 * rng.normal());
    expect(dominantPeriod(series(values)).window).toBe(period);
  });

  it('finds the fundamental, not a multiple, and averages channels', () => {
    const values = Array.from({ length: 3000 }, (_, i) => {
      const t = Math.floor(i / 2);
      return i % 2 === 0 ? Math.sin((2 * Math.PI * t) / 60) : Math.cos((2 * Math.PI * t) / 60) + 0.1 * rng.normal();
    });
    expect(dominantPeriod(series(values, 2)).window).toBe(60);
  });

  it('falls back when there is no cycle or too few steps to see three', () => {
    const noise = Array.from({ length: 1000 }, () => rng.normal());
    expect(dominantPeriod(series(noise))).toEqual({ window: FALLBACK_WINDOW });
    expect(dominantPeriod(series(new Array<number>(500).fill(3)))).toEqual({ window: FALLBACK_WINDOW });
    expect(dominantPeriod(series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).window).toBe(3);
  });
});
