import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node-loaders.js';
import type { Matrix } from '../data/matrix.js';
import { LatentError } from '../errors.js';
import { modelFromBytes, modelToBytes } from '../io/model-io.js';
import { Rng } from '../tensor/rng.js';
import { Pca } from './pca.js';
import { AutoencoderReducer, type Reducer } from './reducer.js';
import { sweep } from './sweep.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');

function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Rows near a 2-D plane in 6-D, with small noise, in units far from [0, 1]. */
function planeData(rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float32Array(rows * 6);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    const values = [a, b, a + b, a - b, 2 * a, -b];
    values.forEach((v, c) => (data[r * 6 + c] = 100 + 50 * v + 0.5 * rng.normal()));
  }
  return { data, rows, cols: 6 };
}

describe('AutoencoderReducer', () => {
  it('a linear autoencoder reaches the PCA reconstruction error at the same size (cardio, latent 4)', async () => {
    const { x } = loadDataset(CARDIO);
    const reducer = new AutoencoderReducer({
      latentDim: 4,
      hidden: [],
      activation: 'identity',
      scaler: 'standard',
      epochs: 60,
      batchSize: 64,
      optimizer: { name: 'adam', lr: 0.01 },
      lrSchedule: { kind: 'cosine', epochs: 60 },
    });
    await reducer.fit(x);
    const scaled = reducer.model.scale(x);
    const pcaError = meanOf(new Pca({ nComponents: 4 }).fit(scaled).reconstructionErrors(scaled));
    const aeError = meanOf(reducer.model.reconstructionError(x));
    // PCA is the optimum of every linear rank-4 map, so the AE cannot beat it (beyond rounding).
    expect(aeError).toBeGreaterThan(pcaError * 0.999);
    expect(aeError).toBeLessThan(pcaError * 1.02);
  });

  it('codes, reconstructions and saving work in the data units', async () => {
    const x = planeData(400, 1);
    const reducer = new AutoencoderReducer({
      latentDim: 2,
      hidden: [],
      activation: 'identity',
      epochs: 40,
      optimizer: { name: 'adam', lr: 0.01 },
    });
    const codes = await reducer.fitTransform(x);
    expect([codes.rows, codes.cols]).toEqual([400, 2]);
    expect(reducer.nComponents).toBe(2);
    expect(reducer.model.scaler?.kind).toBe('standard');
    const back = reducer.inverseTransform(codes);
    // Noise is 0.5 in units of 50: a good rank-2 fit reconstructs to about 1 % of the spread.
    let err = 0;
    for (let i = 0; i < back.data.length; i++) err += (back.data[i]! - x.data[i]!) ** 2;
    expect(Math.sqrt(err / back.data.length)).toBeLessThan(3);
    const loaded = AutoencoderReducer.fromModel(modelFromBytes(modelToBytes(reducer.model), 'reducer.safetensors').model);
    expect(Array.from(loaded.transform(x).data)).toEqual(Array.from(codes.data));
  });

  it('scales wide data with one pooled scale, so a feature that barely varied in training cannot swamp a new row', async () => {
    // 600 rows × 256 non-negative features of rank 4, as an embedding; feature 0 is 0 but once.
    const rows = 600;
    const cols = 256;
    const rng = new Rng(5);
    const basis = Array.from({ length: 4 * cols }, () => Math.abs(rng.normal()));
    const row = (): number[] => {
      const f = [0, 1, 2, 3].map(() => Math.abs(rng.normal()));
      return Array.from({ length: cols }, (_, c) => f.reduce((s, v, i) => s + v * basis[i * cols + c]!, 0) + 0.05 * Math.abs(rng.normal()));
    };
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) data.set(row(), r * cols);
    for (let r = 0; r < rows; r++) data[r * cols] = 0;
    data[0] = 1e-4;
    const x: Matrix = { data, rows, cols };
    const fresh = row();
    fresh[0] = 0.5; // the feature fires on a new row, as it did on one training row
    const newRow: Matrix = { data: Float32Array.from(fresh), rows: 1, cols };
    const rebuildError = async (options: { scaler?: 'standard' }): Promise<number> => {
      const reducer = await new AutoencoderReducer({ latentDim: 4, epochs: 3, validationSplit: 0.2, ...options }).fit(x);
      const back = reducer.inverseTransform(reducer.transform(newRow));
      return meanOf(back.data.map((v, c) => (v - fresh[c]!) ** 2));
    };
    const pooled = await new AutoencoderReducer({ latentDim: 4, epochs: 1 }).fit(x);
    expect(pooled.model.scaler?.kind).toBe('standard-pooled');
    const saved = modelFromBytes(modelToBytes(pooled.model), 'wide.safetensors').model;
    expect(saved.scaler).toEqual(pooled.model.scaler);
    const byDefault = await rebuildError({});
    const perColumn = await rebuildError({ scaler: 'standard' });
    expect(byDefault).toBeLessThan(0.05);
    expect(perColumn).toBeGreaterThan(100 * byDefault);
  });

  it('satisfies the same Reducer interface as Pca', async () => {
    const x = planeData(200, 2);
    const reducers: Reducer[] = [new Pca({ nComponents: 2 }), new AutoencoderReducer({ latentDim: 2, epochs: 2 })];
    for (const reducer of reducers) {
      await reducer.fit(x);
      expect(reducer.transform(x).cols).toBe(2);
      expect(reducer.inverseTransform(reducer.transform(x)).cols).toBe(6);
      expect(reducer.nComponents).toBe(2);
    }
  });

  it('explains what is wrong', async () => {
    const reducer = new AutoencoderReducer();
    expect(() => reducer.model).toThrow(/not fitted/);
    await expect(reducer.fit(planeData(50, 3), { latentDim: 9 })).rejects.toThrow(/latent size 9 is larger than the input's 6/);
    const fitted = await new AutoencoderReducer({ latentDim: 2, epochs: 1 }).fit(planeData(50, 3));
    expect(() => fitted.transform({ data: new Float32Array(5), rows: 1, cols: 5 })).toThrow(/5 features per row, the model expects 6/);
    expect(() => fitted.inverseTransform({ data: new Float32Array(3), rows: 1, cols: 3 })).toThrow(/codes has 3 features/);
  });
});

describe('sweep', () => {
  it('reports validation errors of both methods per size, shrinking with size', async () => {
    const x = planeData(300, 4);
    const rows = await sweep(x, [1, 2, 3], {
      hidden: [],
      activation: 'identity',
      epochs: 150,
      batchSize: 16,
      optimizer: { name: 'adam', lr: 0.01 },
      lrSchedule: { kind: 'cosine', epochs: 150 },
    });
    expect(rows.map((r) => r.latent)).toEqual([1, 2, 3]);
    // The data is rank 2 plus noise: one component explains about half, two nearly everything.
    expect(rows[0]!.pcaExplained).toBeGreaterThan(0.3);
    expect(rows[0]!.pcaExplained).toBeLessThan(0.8);
    expect(rows[1]!.pcaExplained).toBeGreaterThan(0.999);
    expect(rows[1]!.pcaValError).toBeLessThan(rows[0]!.pcaValError);
    for (const row of rows) {
      // A linear AE on the same split reaches PCA's validation error.
      expect(Math.abs(row.aeValError - row.pcaValError)).toBeLessThan(0.05 * row.pcaValError + 1e-4);
      expect(row.aeExplained).toBeCloseTo(1 - row.aeValError / (row.pcaValError / (1 - row.pcaExplained)), 6);
    }
  });

  it('with the default training budget the autoencoder keeps more of cardio than PCA at small sizes', async () => {
    const { x } = loadDataset(CARDIO);
    const rows = await sweep(x, [2, 4]);
    for (const row of rows) {
      expect(row.epochs).toBeGreaterThan(100);
      // Measured: 0.377 against 0.472 at 2, 0.233 against 0.330 at 4.
      expect(row.aeValError).toBeLessThan(0.9 * row.pcaValError);
    }
  });

  it('rejects sizes it cannot fit and an empty validation part', async () => {
    const x = planeData(40, 5);
    await expect(sweep(x, [])).rejects.toThrow(/no latent sizes/);
    await expect(sweep(x, [2, 7])).rejects.toThrow(LatentError);
    await expect(sweep(x, [2, 7])).rejects.toThrow(/latent size 7 must be a whole number from 1 to 6/);
    await expect(sweep(x, [1.5])).rejects.toThrow(/latent size 1.5/);
    await expect(sweep(x, [2], { validationFraction: 0 })).rejects.toThrow(/validation fraction is 0/);
  });
});
