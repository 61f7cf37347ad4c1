import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node-loaders.js';
import type { Matrix } from '../data/matrix.js';
import { modelFromBytes, modelToBytes } from '../io/model-io.js';
import { VariationalAutoencoder, vaeConfig } from '../models/index.js';
import { LatentError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { AutoencoderDetector } from './detector.js';
import type { Detector } from './detector-common.js';
import { averagePrecision, rocAuc } from './metrics.js';
import { PcaDetector } from './pca-detector.js';

const WBC = resolve(process.cwd(), '../shared/data/adbench/42_WBC.npz');
const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');

/**
 * 300 normal rows on a 2-D plane in 8-D (plus small noise) and 12 anomalies off the plane, in
 * units far from [0, 1]; the anomalies are the last 12 rows.
 */
function planeWithOutliers(seed = 1): { x: Matrix; labels: Float32Array } {
  const rng = new Rng(seed);
  const rows = 312;
  const cols = 8;
  const data = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    const anomaly = r >= 300;
    labels[r] = anomaly ? 1 : 0;
    for (let c = 0; c < cols; c++) {
      const onPlane = c % 2 === 0 ? a + 0.3 * c * b : b - 0.2 * c * a;
      const off = anomaly ? 3 * rng.normal() : 0;
      data[r * cols + c] = 10 + 5 * (onPlane + off + 0.05 * rng.normal());
    }
  }
  return { x: { data, rows, cols }, labels };
}

describe.each([
  // Reconstruction error is the score these rows call for (the anomalies leave the plane), and the
  // PCA detector's score too.
  ['AutoencoderDetector', (): Detector => new AutoencoderDetector({ epochs: 30, metric: 'mse' })],
  ['PcaDetector', (): Detector => new PcaDetector({ nComponents: 2 })],
])('%s', (_name, make) => {
  it('scores points off the normal plane higher and flags them', async () => {
    const { x, labels } = planeWithOutliers();
    const detector = await make().fit(x);
    const scores = detector.score(x);
    expect(scores).toBeInstanceOf(Float64Array);
    expect(rocAuc(labels, scores)).toBeGreaterThan(0.95);
    // Default rule contamination:0.1 → about 10 % of the rows are above the threshold (the
    // autoencoder takes it on its 31 validation rows, PCA on all rows).
    const flags = detector.predict(x);
    const flagged = flags.reduce((a, b) => a + b, 0);
    expect(flagged).toBeGreaterThanOrEqual(18);
    expect(flagged).toBeLessThanOrEqual(50);
    flags.forEach((f, i) => expect(f).toBe(scores[i]! > detector.threshold ? 1 : 0));
    const evaluation = detector.evaluate(x, labels);
    expect(evaluation.rocAuc).toBeCloseTo(rocAuc(labels, scores), 12);
    expect(evaluation.prAuc).toBeCloseTo(averagePrecision(labels, scores), 12);
    expect(evaluation.tp + evaluation.fp).toBe(flagged);
    expect(evaluation.tp + evaluation.fn).toBe(12);
  });

  it('gives per-feature errors whose row means are the MSE scores, and MAE scores', async () => {
    const { x } = planeWithOutliers(2);
    const detector = await make().fit(x);
    const { scores, features } = detector.score(x, 'feature');
    expect([features.rows, features.cols]).toEqual([312, 8]);
    const mse = detector.score(x, 'mse');
    for (let r = 0; r < 312; r += 31) {
      let s = 0;
      for (let c = 0; c < 8; c++) s += features.data[r * 8 + c]!;
      expect(scores[r]).toBeCloseTo(s / 8, 6);
      expect(mse[r]! / scores[r]!).toBeCloseTo(1, 4);
    }
    const mae = detector.score(x, 'mae');
    // Mean |e| ≤ sqrt(mean e²) for every row.
    for (let r = 0; r < 312; r += 31) expect(mae[r]!).toBeLessThanOrEqual(Math.sqrt(mse[r]!) * (1 + 1e-5));
  });

  it('sets thresholds by every rule, from the training scores', async () => {
    const { x } = planeWithOutliers(3);
    const detector = await make().fit(x);
    const sorted = Float64Array.from(detector.score(x)).sort();
    expect(detector.calibrate(x, { kind: 'max' }).threshold).toBe(sorted[sorted.length - 1]);
    expect(detector.predict(x).reduce((a, b) => a + b, 0)).toBe(0);
    expect(detector.calibrate(x, { kind: 'percentile', percentile: 50 }).threshold).toBeCloseTo((sorted[155]! + sorted[156]!) / 2, 12);
    expect(detector.rule).toEqual({ kind: 'percentile', percentile: 50 });
    const std = detector.calibrate(x, { kind: 'std', k: 3 }).threshold;
    const mad = detector.calibrate(x, { kind: 'mad', k: 3.5 }).threshold;
    expect(std).toBeGreaterThan(sorted[155]!);
    expect(mad).toBeGreaterThan(sorted[155]!);
  });

  it('rejects bad labels, rules and columns with clear messages', async () => {
    const { x, labels } = planeWithOutliers(4);
    const detector = await make().fit(x);
    expect(() => detector.evaluate(x, labels.subarray(0, 100))).toThrow(/100 labels for 312 samples/);
    const bad = Float32Array.from(labels);
    bad[7] = 2;
    expect(() => detector.evaluate(x, bad)).toThrow(/label 7 is 2; labels must be 0 \(normal\) or 1 \(anomaly\)/);
    expect(() => detector.calibrate(x, { kind: 'contamination', fraction: 0.7 })).toThrow(/contamination 0.7 is outside \(0, 0.5\]/);
    expect(() => detector.calibrate(x, { kind: 'contamination', fraction: 0 })).toThrow(/outside \(0, 0.5\]/);
    expect(() => detector.score({ data: new Float32Array(3), rows: 1, cols: 3 })).toThrow(/3 features per row/);
    // A metric arriving from untyped callers (e.g. a CLI string).
    const metric: unknown = 'rmse';
    expect(() => detector.score(x, metric as 'mse')).toThrow(/unknown score metric "rmse"/);
  });
});

describe('AutoencoderDetector', () => {
  it('defaults give a good detector on a real data set (WBC)', async () => {
    const { x, labels } = loadDataset(WBC);
    const detector = await new AutoencoderDetector().fit(x);
    // The defaults train a small model for about 1000 steps; PCA with the same size is the baseline.
    const ae = detector.evaluate(x, labels!);
    const pca = new PcaDetector().fit(x).evaluate(x, labels!);
    expect(detector.model.latentDim).toBe(2);
    expect(detector.model.scaler?.kind).toBe('standard');
    expect(ae.rocAuc).toBeGreaterThan(0.9);
    expect(ae.rocAuc).toBeGreaterThan(pca.rocAuc);
  });

  it('saves the threshold, rule and metric with the model and loads them back', async () => {
    const { x } = planeWithOutliers(5);
    const detector = await new AutoencoderDetector({ epochs: 5, rule: { kind: 'std', k: 2.5 }, metric: 'mae' }).fit(x);
    const bytes = modelToBytes(detector.model, undefined, detector.detectorExtra());
    const loaded = modelFromBytes(bytes, 'detector.safetensors');
    expect(loaded.extra['detector']).toEqual({ metric: 'mae', rule: 'std:2.5', threshold: detector.threshold });
    const back = AutoencoderDetector.fromLoaded(loaded, 'detector.safetensors');
    expect(back.threshold).toBe(detector.threshold);
    expect(back.rule).toEqual({ kind: 'std', k: 2.5 });
    expect(back.metric).toBe('mae');
    expect(Array.from(back.predict(x))).toEqual(Array.from(detector.predict(x)));
    expect(Array.from(AutoencoderDetector.fromLoaded(modelFromBytes(detector.toBytes(), 'd'), 'd').score(x))).toEqual(
      Array.from(detector.score(x)),
    );
  });

  it('loads a plain model without a threshold and asks for calibration before predicting', async () => {
    const { x } = planeWithOutliers(6);
    const detector = await new AutoencoderDetector({ epochs: 2 }).fit(x);
    const plain = modelFromBytes(modelToBytes(detector.model), 'plain.safetensors');
    expect(() => AutoencoderDetector.fromExtra(plain.model, plain.extra, 'plain.safetensors')).toThrow(
      /plain.safetensors: the model file holds no anomaly threshold/,
    );
    const uncalibrated = AutoencoderDetector.fromLoaded(plain, 'plain.safetensors');
    expect(uncalibrated.score(x).length).toBe(312);
    expect(() => uncalibrated.predict(x)).toThrow(/has no threshold yet/);
    expect(uncalibrated.calibrate(x).predict(x).length).toBe(312);
    const broken = { detector: { metric: 'mse', rule: 'std:x', threshold: 1 } };
    expect(() => AutoencoderDetector.fromExtra(plain.model, broken, 'm.safetensors')).toThrow(/"x" is not a number/);
    expect(() => AutoencoderDetector.fromExtra(plain.model, { detector: { metric: 'mse', rule: 'max' } }, 'm.safetensors')).toThrow(
      /m.safetensors: invalid detector settings: threshold must be a finite number/,
    );
    expect(() => new AutoencoderDetector().predict(x)).toThrow(/not fitted yet/);
  });

  it('rejects a bad rule or metric before training', async () => {
    const { x } = planeWithOutliers(8);
    let epochs = 0;
    const onEpochEnd = (): void => void epochs++;
    await expect(new AutoencoderDetector({ rule: { kind: 'contamination', fraction: 0.6 }, onEpochEnd }).fit(x)).rejects.toThrow(
      /contamination 0.6 is outside \(0, 0.5\]/,
    );
    const metric: unknown = 'bce';
    expect(() => new AutoencoderDetector({ metric: metric as 'mse', onEpochEnd })).toThrow(
      /option "metric" must be one of "mse", "mae", "combined", "elbo", got the string "bce"/,
    );
    expect(epochs).toBe(0);
    expect(() => new PcaDetector({ rule: { kind: 'percentile', percentile: 120 } }).fit(x)).toThrow(/percentile 120 is outside \[0, 100\]/);
  });
});

describe('AutoencoderDetector with the elbo metric', () => {
  const smallVae = (inputDim: number): VariationalAutoencoder =>
    new VariationalAutoencoder(vaeConfig({ inputDim, hidden: [16], latentDim: 4, likelihood: 'gaussian', seed: 2 }));

  it('scores cardio by negative ELBO: finite, reconstruction term plus a KL ≥ 0, a better ROC-AUC than PCA', async () => {
    const { x, labels } = loadDataset(CARDIO);
    const detector = await new AutoencoderDetector({ model: smallVae(21), metric: 'elbo', seed: 2 }).fit(x);
    expect(detector.metric).toBe('elbo');
    const elbo = detector.score(x);
    expect(elbo.every(Number.isFinite)).toBe(true);
    expect(Array.from(elbo)).toEqual(Array.from(detector.score(x, 'elbo')));
    // Gaussian likelihood, decoding μ: −ELBO = ½·Σ(x − x̂)² + (D/2)·log 2π + KL, and the MSE is Σ(x − x̂)²/D.
    const mse = detector.score(x, 'mse');
    let klAbove = 0;
    for (let r = 0; r < x.rows; r++) {
      const kl = elbo[r]! - 10.5 * (mse[r]! + Math.log(2 * Math.PI));
      expect(kl).toBeGreaterThan(-1e-3);
      if (kl > 0.01) klAbove++;
    }
    expect(klAbove).toBeGreaterThan(x.rows / 2);
    const evaluation = detector.evaluate(x, labels!);
    expect(evaluation.rocAuc).toBeCloseTo(rocAuc(labels!, elbo), 12);
    // Trained to convergence, seed 2 gives 0.86 (PCA 0.84).
    expect(evaluation.rocAuc).toBeGreaterThan(0.85);
    expect(evaluation.rocAuc).toBeGreaterThan(new PcaDetector().fit(x).evaluate(x, labels!).rocAuc);
    // contamination:0.1 of the 183 held-out rows' scores: about a tenth of all rows above it.
    const flagged = detector.predict(x).reduce((a, b) => a + b, 0);
    expect(flagged).toBeGreaterThan(0.05 * x.rows);
    expect(flagged).toBeLessThan(0.2 * x.rows);
  });

  it('works with every threshold rule and is stored with the model', async () => {
    const { x } = planeWithOutliers(9);
    const detector = await new AutoencoderDetector({ model: smallVae(8), metric: 'elbo', epochs: 5 }).fit(x);
    const sorted = Float64Array.from(detector.score(x)).sort();
    expect(detector.calibrate(x, { kind: 'max' }).threshold).toBe(sorted[sorted.length - 1]);
    expect(detector.calibrate(x, { kind: 'percentile', percentile: 50 }).threshold).toBeCloseTo((sorted[155]! + sorted[156]!) / 2, 12);
    expect(detector.calibrate(x, { kind: 'std', k: 3 }).threshold).toBeGreaterThan(sorted[155]!);
    detector.calibrate(x, { kind: 'mad', k: 3.5 });
    const loaded = modelFromBytes(detector.toBytes(), 'vae.safetensors');
    expect(loaded.extra['detector']).toEqual({ metric: 'elbo', rule: 'mad:3.5', threshold: detector.threshold });
    const back = AutoencoderDetector.fromLoaded(loaded, 'vae.safetensors');
    expect(back.metric).toBe('elbo');
    expect(Array.from(back.score(x))).toEqual(Array.from(detector.score(x)));
    expect(Array.from(back.predict(x))).toEqual(Array.from(detector.predict(x)));
  });

  it("builds its own VAE with family 'vae': Gaussian for scaled data, Bernoulli for data in [0, 1]", async () => {
    const { x } = planeWithOutliers(11);
    const detector = await new AutoencoderDetector({ family: 'vae', metric: 'elbo', epochs: 2 }).fit(x);
    expect(detector.model.config).toMatchObject({ kind: 'vae', inputDim: 8, likelihood: 'gaussian' });
    expect(detector.score(x).every(Number.isFinite)).toBe(true);
    const unit: Matrix = { ...x, data: x.data.map((v) => 1 / (1 + Math.exp(-(v - 10) / 5))) };
    const bernoulli = await new AutoencoderDetector({ family: 'vae', epochs: 1 }).fit(unit);
    expect(bernoulli.model.config).toMatchObject({ kind: 'vae', likelihood: 'bernoulli' });
    expect(bernoulli.metric).toBe('combined');
    expect(() => new AutoencoderDetector({ family: 'lstm' as 'vae' })).toThrow(/option "family" must be one of "dense", "vae"/);
  });

  it('refuses elbo for models without an ELBO, before any training', async () => {
    const { x } = planeWithOutliers(10);
    let epochs = 0;
    const onEpochEnd = (): void => void epochs++;
    await expect(new AutoencoderDetector({ metric: 'elbo', onEpochEnd }).fit(x)).rejects.toThrow(
      /the elbo score needs a variational autoencoder; the default dense model has no ELBO/,
    );
    expect(epochs).toBe(0);
    const dense = await new AutoencoderDetector({ epochs: 2 }).fit(x);
    expect(() => dense.score(x, 'elbo')).toThrow(/needs a variational autoencoder; the dense model has no ELBO/);
    expect(() => AutoencoderDetector.fromModel(dense.model, 'elbo')).toThrow(LatentError);
    const stored = { detector: { metric: 'elbo', rule: 'max', threshold: 1 } };
    expect(() => AutoencoderDetector.fromExtra(dense.model, stored, 'm.safetensors')).toThrow(/the dense model has no ELBO/);
    expect(() => new PcaDetector({ metric: 'elbo' }).fit(x)).toThrow(/the PCA detector has no ELBO/);
    expect(() => new PcaDetector().fit(x).score(x, 'elbo')).toThrow(/the PCA detector has no ELBO/);
  });
});

describe('PcaDetector', () => {
  it('round-trips through JSON', () => {
    const { x } = planeWithOutliers(7);
    const detector = new PcaDetector({ rule: { kind: 'mad', k: 3 } }).fit(x);
    expect(detector.nComponents).toBe(2);
    const back = PcaDetector.fromJSON(JSON.parse(JSON.stringify(detector.toJSON())));
    expect(back.threshold).toBe(detector.threshold);
    const a = back.score(x);
    const b = detector.score(x);
    for (let i = 0; i < a.length; i += 17) expect(a[i]).toBeCloseTo(b[i]!, 10);
    expect(() => PcaDetector.fromJSON({ format: 'other' }, 'p.json')).toThrow(/p.json: not a stored PCA detector/);
  });
});
