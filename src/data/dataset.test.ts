import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { assertFinite, assertNotEmpty, defaultColumnNames } from './dataset.js';
import { matrix } from './matrix.js';

describe('assertFinite', () => {
  it('passes finite data', () => {
    expect(() => assertFinite(matrix(new Float32Array([0, -1, 3.4e38, 1e-40]), 2, 2), 'ok.npy')).not.toThrow();
  });

  it('names source, row and column of the first NaN', () => {
    const m = matrix(new Float32Array([1, 2, 3, 4, NaN, 6]), 2, 3);
    expect(() => assertFinite(m, 'x.npy')).toThrow('x.npy: row 1, column 1 holds NaN (rows and columns counted from 0)');
    expect(() => assertFinite(m, 'x.csv', ['a', 'b', 'c'])).toThrow('x.csv: row 1, column "b" (index 1) holds NaN');
  });

  it('names infinities, with the float32 range as a likely cause', () => {
    const m = matrix(new Float32Array([1, -Infinity]), 1, 2);
    expect(() => assertFinite(m, 'i.npy')).toThrow(/i\.npy: row 0, column 1 holds -Infinity \(or a value beyond the float32 range/);
    expect(() => assertFinite(m, 'i.npy')).toThrow(LatentError);
  });

  it('finds one bad value wherever it lies, among many finite ones', () => {
    // Every position of the four-way sums and of the tail, for each kind of bad value.
    const length = 4 * 25 + 3;
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (let at = 0; at < length; at++) {
        const data = new Float32Array(length).map((_, i) => (i % 7) - 3.5);
        data[at] = bad;
        expect(() => assertFinite(matrix(data, length, 1), 'many.npy')).toThrow(`many.npy: row ${at}, column 0 holds`);
      }
    }
  });
});

describe('assertNotEmpty and defaultColumnNames', () => {
  it('rejects zero rows', () => {
    expect(() => assertNotEmpty(matrix(new Float32Array(0), 0, 3), 'e.npy')).toThrow('e.npy: contains no samples');
  });
  it('names columns from x0', () => {
    expect(defaultColumnNames(3)).toEqual(['x0', 'x1', 'x2']);
  });
});
