import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { matrix } from './matrix.js';
import { applyScaler, fitScaler, inverseScaler, parseScaler } from './scaler.js';

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
  it.each(['minmax', 'standard'] as const)('%s inverse restores the data', (kind) => {
    const s = fitScaler(kind, x);
    const back = inverseScaler(s, applyScaler(s, x));
    back.data.forEach((v, i) => expect(v).toBeCloseTo(x.data[i] as number, 4));
  });

  it('checks the column count', () => {
    const s = fitScaler('minmax', x);
    expect(() => applyScaler(s, matrix(new Float32Array(2), 1, 2))).toThrow('the scaler was fitted on 3 columns but the data has 2');
    expect(() => inverseScaler(s, matrix(new Float32Array(2), 1, 2))).toThrow(LatentError);
  });

  it('survives a JSON round trip', () => {
    const s = fitScaler('standard', x);
    const back = parseScaler(JSON.parse(JSON.stringify(s)), 'model.safetensors');
    expect(back).toEqual(s);
  });
});

describe('parseScaler', () => {
  it.each([
    [null, /expected an object/],
    [{ kind: 'robust', offset: [], scale: [] }, /unknown kind "robust"/],
    [{ kind: 'minmax', offset: [1], scale: ['a'] }, /scale must be a list of finite numbers/],
    [{ kind: 'minmax', offset: [1, 2], scale: [1] }, /offset has 2 values but scale has 1/],
    [{ kind: 'minmax', offset: [1], scale: [0] }, /scale holds a zero/],
  ])('rejects %j', (value, pattern) => {
    expect(() => parseScaler(value, 'm.safetensors')).toThrow(pattern);
    expect(() => parseScaler(value, 'm.safetensors')).toThrow(/^m\.safetensors: invalid scaler/);
  });
});
