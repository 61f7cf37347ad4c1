import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { Rng } from '../tensor/rng.js';
import { Pca } from './pca.js';
import type { PcaSolver } from './pca.js';
import { hasNumpy, numpy } from './test-utils/numpy.js';

/** A fixed random matrix with correlated columns (so the spectrum is far from flat). */
function sample(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const latent = 3;
  const basis = Array.from({ length: latent * cols }, () => rng.normal());
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const z = Array.from({ length: latent }, (_, l) => rng.normal() * (3 - l));
    for (let j = 0; j < cols; j++) {
      let v = 0.1 * rng.normal() + j;
      for (let l = 0; l < latent; l++) v += z[l]! * basis[l * cols + j]!;
      data[i * cols + j] = v;
    }
  }
  return { data, rows, cols };
}

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

interface NumpyPca {
  mean: number[];
  components: number[][];
  ev: number[];
  ratio: number[];
  codes: number[][];
  recon: number[][];
  errors: number[];
}

// sklearn's PCA (svd_solver='full', sklearn >= 1.5 sign convention) written out in numpy.
const NUMPY_PCA = `
X = np.array(inp['x'], dtype=np.float64)
k = inp['k']
n = X.shape[0]
mean = X.mean(axis=0)
Xc = X - mean
U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
idx = np.argmax(np.abs(Vt), axis=1)
Vt = Vt * np.sign(Vt[np.arange(Vt.shape[0]), idx])[:, None]
ev = S ** 2 / (n - 1)
ratio = ev / np.var(X, ddof=1, axis=0).sum()
C = Vt[:k]
codes = Xc @ C.T
recon = codes @ C + mean
out = dict(mean=mean.tolist(), components=C.tolist(), ev=ev[:k].tolist(), ratio=ratio[:k].tolist(),
           codes=codes.tolist(), recon=recon.tolist(), errors=((X - recon) ** 2).mean(axis=1).tolist())
`;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    expect(Math.abs(actual[i]! - expected[i]!), `index ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol * scale);
  }
}

describe.skipIf(!hasNumpy)('Pca against numpy SVD', () => {
  const cases: [string, number, number, number, PcaSolver][] = [
    ['tall, k=2, auto (covariance)', 40, 6, 2, 'auto'],
    ['tall, k=2, svd', 40, 6, 2, 'svd'],
    ['tall over several row blocks, k=4, auto (covariance)', 150, 9, 4, 'auto'],
    ['square-ish, k=3, auto (svd)', 9, 7, 3, 'auto'],
    ['wide, k=4, svd', 6, 11, 4, 'svd'],
    ['wide, k=4, covariance', 6, 11, 4, 'covariance'],
  ];
  it.each(cases)('%s', (_name, rows, cols, k, solver) => {
    const x = sample(rows, cols, rows * 100 + cols);
    const ref = numpy(NUMPY_PCA, { x: rowsOf(x), k }) as NumpyPca;
    const pca = new Pca({ nComponents: k, solver }).fit(x);
    expect(pca.nComponents).toBe(k);
    expectClose(pca.mean, ref.mean, 1e-12);
    expectClose(pca.explainedVariance, ref.ev, 1e-9);
    expectClose(pca.explainedVarianceRatio, ref.ratio, 1e-9);
    const components = pca.components;
    expect([components.rows, components.cols]).toEqual([k, cols]);
    expectClose(components.data, ref.components.flat(), 1e-6);
    const codes = pca.transform(x);
    expectClose(codes.data, ref.codes.flat(), 1e-5);
    expectClose(pca.inverseTransform(codes).data, ref.recon.flat(), 1e-5);
    expectClose(pca.reconstructionErrors(x), ref.errors, 1e-7);
  });

  it('matches numpy on rank-deficient, tall data with the default nComponents', () => {
    // Column 3 is a copy of column 0, so the last singular value is 0.
    const base = sample(30, 4, 5);
    const data = new Float32Array(30 * 5);
    for (let i = 0; i < 30; i++) {
      data.set(base.data.subarray(i * 4, i * 4 + 4), i * 5);
      data[i * 5 + 4] = base.data[i * 4]!;
    }
    const x = { data, rows: 30, cols: 5 };
    const ref = numpy(NUMPY_PCA, { x: rowsOf(x), k: 5 }) as NumpyPca;
    const pca = new Pca().fit(x);
    expect(pca.nComponents).toBe(5);
    expectClose(pca.explainedVariance, ref.ev, 1e-9);
    expect(pca.explainedVariance[4]).toBeLessThan(1e-9);
  });
});

describe('Pca', () => {
  it('finds the axis of points on a line, with sklearn sign and variance', () => {
    // Points t·(3, 4)/5 + (1, 2) for t = -2..2: one component (0.6, 0.8), variance Σt²/(n-1) = 2.5.
    const data = new Float32Array(10);
    [-2, -1, 0, 1, 2].forEach((t, i) => {
      data[2 * i] = 1 + (t * 3) / 5;
      data[2 * i + 1] = 2 + (t * 4) / 5;
    });
    const pca = new Pca({ nComponents: 1 }).fit({ data, rows: 5, cols: 2 });
    expectClose(pca.mean, [1, 2], 1e-6);
    expectClose(pca.components.data, [0.6, 0.8], 1e-6);
    expectClose(pca.explainedVariance, [2.5], 1e-6);
    expectClose(pca.explainedVarianceRatio, [1], 1e-6);
    expectClose(pca.transform({ data, rows: 5, cols: 2 }).data, [-2, -1, 0, 1, 2], 1e-6);
  });

  it.each<PcaSolver>(['svd', 'covariance'])('round-trips exactly when k = d (%s)', (solver) => {
    const x = sample(25, 5, 9);
    const pca = new Pca({ nComponents: 5, solver });
    const back = pca.inverseTransform(pca.fitTransform(x));
    expectClose(back.data, Array.from(x.data), 1e-5);
    const errors = pca.reconstructionErrors(x);
    for (const e of errors) expect(e).toBeLessThan(1e-10);
    const ratioSum = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    expect(ratioSum).toBeCloseTo(1, 10);
  });

  it('has orthonormal components', () => {
    const pca = new Pca({ nComponents: 3 }).fit(sample(50, 8, 3));
    const c = pca.components;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let dot = 0;
        for (let j = 0; j < 8; j++) dot += c.data[a * 8 + j]! * c.data[b * 8 + j]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });

  it('survives toJSON / fromJSON (through a JSON string)', () => {
    const x = sample(20, 6, 11);
    const pca = new Pca({ nComponents: 3 }).fit(x);
    const restored = Pca.fromJSON(JSON.parse(JSON.stringify(pca.toJSON())));
    expect(restored.nComponents).toBe(3);
    expect(Array.from(restored.transform(x).data)).toEqual(Array.from(pca.transform(x).data));
    expect(Array.from(restored.explainedVarianceRatio)).toEqual(Array.from(pca.explainedVarianceRatio));
  });

  it('rejects too many components with a hint', () => {
    const x = sample(4, 6, 1);
    let error: unknown;
    try {
      new Pca({ nComponents: 5 }).fit(x);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LatentError);
    expect((error as LatentError).message).toMatch(/nComponents = 5 exceeds min\(rows, cols\) = min\(4, 6\) = 4/);
    expect((error as LatentError).hint).toMatch(/≤ 4/);
  });

  it('rejects bad options and inputs', () => {
    expect(() => new Pca({ nComponents: 0 })).toThrow(LatentError);
    expect(() => new Pca({ nComponents: 1.5 })).toThrow(/positive integer/);
    expect(() => new Pca().fit({ data: new Float32Array(3), rows: 1, cols: 3 })).toThrow(/at least 2 rows/);
    const withNaN = sample(5, 3, 2);
    withNaN.data[7] = NaN;
    expect(() => new Pca().fit(withNaN)).toThrow(/row 2, column 1/);
    const pca = new Pca({ nComponents: 2 });
    expect(() => pca.transform(sample(3, 3, 1))).toThrow(/not fitted/);
    pca.fit(sample(10, 4, 1));
    expect(() => pca.transform(sample(3, 5, 1))).toThrow(/5 columns but the PCA expects 4/);
    expect(() => pca.inverseTransform(sample(3, 3, 1))).toThrow(/codes has 3 columns but the PCA expects 2/);
  });

  it('rejects malformed stored PCAs', () => {
    const json = new Pca({ nComponents: 2 }).fit(sample(10, 4, 1)).toJSON();
    expect(() => Pca.fromJSON(null)).toThrow(LatentError);
    expect(() => Pca.fromJSON({ ...json, format: 'other' })).toThrow(/format/);
    expect(() => Pca.fromJSON({ ...json, version: 2 })).toThrow(/version 2/);
    expect(() => Pca.fromJSON({ ...json, mean: [1, 2] })).toThrow(/mean must be an array of 4/);
    expect(() => Pca.fromJSON({ ...json, components: [[1, 2, 3]] })).toThrow(/row 0 must hold 4/);
  });
});
