import { describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { columnMeans, meanOf, meanSquaredDeviation } from './explained-variance.js';

describe('explained variance helpers', () => {
  const x = matrix(new Float32Array([1, 10, 3, 20, 5, 30]), 3, 2);

  it('averages values and columns', () => {
    expect(meanOf([1, 2, 6])).toBe(3);
    expect(Array.from(columnMeans(x))).toEqual([3, 20]);
  });

  it('gives the variance per feature around the column means', () => {
    // column 0 deviations 4, 0, 4; column 1: 100, 0, 100 → (8 + 200) / 6
    expect(meanSquaredDeviation(x, columnMeans(x))).toBeCloseTo(208 / 6, 12);
  });
});
