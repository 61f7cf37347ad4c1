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
});

describe('assertNotEmpty and defaultColumnNames', () => {
  it('rejects zero rows', () => {
    expect(() => assertNotEmpty(matrix(new Float32Array(0), 0, 3), 'e.npy')).toThrow('e.npy: contains no samples');
  });
  it('names columns from x0', () => {
    expect(defaultColumnNames(3)).toEqual(['x0', 'x1', 'x2']);
  });
});
