import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { matrix } from './matrix.js';
import { applyScaler, fitScaler, inverseScaler, parseScaler, scalerFromColumnStats } from './scaler.js';

// Columns: [1, 2, 3, 4] | constant 5 | [-10, 0, 10, 20]
const x = matrix(new Float32Array([1, 5, -10, 2, 5, 0, 3, 5, 10, 4, 5, 20]), 4, 3);

describe('fitScaler', () => {
  it('minmax: offset = min, scale = 1 / range, constant column scale 1', () => {
    const s = fitScaler('minmax', x);
    expect(s).toEqual({ kind: 'minmax', offset: [1, 5, -10], scale: [1 / 3, 1, 1 / 30] });
    const y = applyScaler(s, x);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 1 / 3, 0, 1 / 3, 2 / 3, 0, 2 / 3, 1, 0, 1].map(Math.fround));
  });

  it('standard: offset = mean, scale = 1 / population std', () => {
    const s = fitScaler('standard', x);
    expect(s.kind).toBe('standard');
    expect(s.offset).toEqual([2.5, 5, 5]);
    expect(s.scale[0]).toBeCloseTo(1 / Math.sqrt(1.25), 14);
    expect(s.scale[1]).toBe(1);
    expect(s.scale[2]).toBeCloseTo(1 / Math.sqrt(125), 14);
    const y = applyScaler(s, x);
    for (let c = 0; c < 3; c++) {
      const col = [0, 1, 2, 3].map((r) => y.data[r * 3 + c] as number);
      const mean = col.reduce((a, b) => a + b, 0) / 4;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 6);
      expect(variance).toBeCloseTo(c === 1 ? 0 : 1, 6);
    }
  });

  it('standard-pooled: offset = mean, one scale = 1 / root mean of the column variances', () => {
    // Column variances 1.25, 0 and 125: pooled variance (1.25 + 0 + 125) / 3.
    const s = fitScaler('standard-pooled', x);
    expect(s.kind).toBe('standard-pooled');
    expect(s.offset).toEqual([2.5, 5, 5]);
    const pooled = 1 / Math.sqrt((1.25 + 0 + 125) / 3);
    s.scale.forEach((v) => expect(v).toBeCloseTo(pooled, 14));
  });

  it('standard-pooled keeps a column that barely varies small, where standard blows it up', () => {
    // 1,000 training rows: column 0 spans about ±1, column 1 is 0 but for one row at 1e-4.
    const rows = 1000;
    const data = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) data[r * 2] = Math.sin(r);
    data[1] = 1e-4;
    const train = matrix(data, rows, 2);
    const newRow = matrix(new Float32Array([0, 0.3]), 1, 2); // column 1 fires on a new row
    const standard = applyScaler(fitScaler('standard', train), newRow).data[1]!;
    const pooled = applyScaler(fitScaler('standard-pooled', train), newRow).data[1]!;
    expect(Math.abs(standard)).toBeGreaterThan(1e4);
    expect(Math.abs(pooled)).toBeLessThan(1);
  });

  it('standard-pooled gives all-constant data scale 1, so rows map to 0 and back exactly', () => {
    const constant = matrix(new Float32Array([3, -2, 3, -2]), 2, 2);
    const s = fitScaler('standard-pooled', constant);
    expect(s.scale).toEqual([1, 1]);
    expect(Array.from(inverseScaler(s, applyScaler(s, constant)).data)).toEqual([3, -2, 3, -2]);
  });

  it.each(['minmax', 'standard', 'standard-pooled'] as const)('%s from column statistics equals the fitted one', (kind) => {
    const stats = { mean: [2.5, 5, 5], variance: [1.25, 0, 125], min: [1, 5, -10], max: [4, 5, 20] };
    const fitted = fitScaler(kind, x);
    const built = scalerFromColumnStats(kind, stats);
    expect(built.kind).toBe(kind);
    expect(built.offset).toEqual(fitted.offset);
    built.scale.forEach((v, c) => expect(v).toBeCloseTo(fitted.scale[c]!, 12));
  });

  it('none: identity', () => {
    const s = fitScaler('none', x);
    expect(s).toEqual({ kind: 'none', offset: [0, 0, 0], scale: [1, 1, 1] });
    expect(applyScaler(s, x).data).toEqual(x.data);
  });

  it('accumulates in float64: a large offset does not swamp a small spread', () => {
    const rows = 10_000;
    const data = new Float32Array(rows);
    for (let i = 0; i < rows; i++) data[i] = 1000 + (i % 2 === 0 ? 0.5 : -0.5);
    const s = fitScaler('standard', matrix(data, rows, 1));
    expect(s.offset[0]).toBe(1000);
    expect(s.scale[0]).toBe(2);
  });

  it('treats a constant column as constant even where float rounding leaves a tiny variance', () => {
    const s = fitScaler('standard', matrix(new Float32Array([0.1, 0.1, 0.1]), 3, 1));
    expect(s.scale).toEqual([1]);
    expect(Array.from(applyScaler(s, matrix(new Float32Array([0.1]), 1, 1)).data)[0]).toBeCloseTo(0, 7);
  });

  it('rejects data with no rows', () => {
    expect(() => fitScaler('minmax', matrix(new Float32Array(0), 0, 2))).toThrow(LatentError);
  });
});

describe('applyScaler / inverseScaler', () => {
  it.each(['minmax', 'standard', 'standard-pooled'] as const)('%s inverse restores the data', (kind) => {
    const s = fitScaler(kind, x);
    const back = inverseScaler(s, applyScaler(s, x));
    back.data.forEach((v, i) => expect(v).toBeCloseTo(x.data[i] as number, 4));
  });

  it('checks the column count', () => {
    const s = fitScaler('minmax', x);
    expect(() => applyScaler(s, matrix(new Float32Array(2), 1, 2))).toThrow('the scaler was fitted on 3 columns but the data has 2');
    expect(() => inverseScaler(s, matrix(new Float32Array(2), 1, 2))).toThrow(LatentError);
  });

  it.each(['standard', 'standard-pooled'] as const)('%s survives a JSON round trip', (kind) => {
    const s = fitScaler(kind, x);
    const back = parseScaler(JSON.parse(JSON.stringify(s)), 'model.safetensors');
    expect(back).toEqual(s);
  });
});

describe('parseScaler', () => {
  it.each([
    [null, /expected an object/],
    [{ kind: 'robust', offset: [], scale: [] }, /unknown kind "robust" \(expected none, minmax, standard, standard-pooled\)/],
    [{ kind: 'minmax', offset: [1], scale: ['a'] }, /scale must be a list of finite numbers/],
    [{ kind: 'minmax', offset: [1, 2], scale: [1] }, /offset has 2 values but scale has 1/],
    [{ kind: 'minmax', offset: [1], scale: [0] }, /scale holds a zero/],
  ])('rejects %j', (value, pattern) => {
    expect(() => parseScaler(value, 'm.safetensors')).toThrow(pattern);
    expect(() => parseScaler(value, 'm.safetensors')).toThrow(/^m\.safetensors: invalid scaler/);
  });
});
