import { describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { defaultHidden, defaultScaler, SCALING_RULE_NAMES, WIDE_FEATURES } from './defaults.js';

/** rows × cols of values spread over [-5, 5) (not in [0, 1]). */
function table(rows: number, cols: number): ReturnType<typeof matrix> {
  return matrix(
    Float32Array.from({ length: rows * cols }, (_, i) => ((i * 7919) % 1000) / 100 - 5),
    rows,
    cols,
  );
}

describe('defaultScaler', () => {
  it('leaves data in [0, 1] unscaled under every rule', () => {
    const pixels = matrix(
      Float32Array.from({ length: 40 * 300 }, (_, i) => (i % 10) / 10),
      40,
      300,
    );
    for (const rule of SCALING_RULE_NAMES) expect(defaultScaler(pixels, rule)).toBe('none');
  });

  it('per-column standardises, pooled pools, pooled-when-wide pools only wide data', () => {
    const narrow = table(10, 12);
    const wide = table(10, WIDE_FEATURES);
    expect(defaultScaler(narrow, 'per-column')).toBe('standard');
    expect(defaultScaler(wide, 'per-column')).toBe('standard');
    expect(defaultScaler(narrow, 'pooled')).toBe('standard-pooled');
    expect(defaultScaler(wide, 'pooled')).toBe('standard-pooled');
    expect(defaultScaler(narrow, 'pooled-when-wide')).toBe('standard');
    expect(defaultScaler(table(10, WIDE_FEATURES - 1), 'pooled-when-wide')).toBe('standard');
    expect(defaultScaler(wide, 'pooled-when-wide')).toBe('standard-pooled');
  });

  it('applies the chosen default rule when none is named', () => {
    const wide = table(10, WIDE_FEATURES);
    expect(defaultScaler(wide)).toBe(defaultScaler(wide, 'pooled-when-wide'));
    expect(defaultScaler(table(10, 12))).toBe('standard');
  });
});

describe('defaultHidden', () => {
  it('gives wide inputs two hidden layers', () => {
    expect(defaultHidden(WIDE_FEATURES, 32)).toHaveLength(2);
    expect(defaultHidden(WIDE_FEATURES - 1, 32)).toHaveLength(1);
  });
});
