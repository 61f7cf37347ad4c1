import { describe, expect, it } from 'vitest';
import { JsBackend } from '../backend/js/js-backend.js';
import { setBackend } from '../backend/registry.js';
import { fitScaler } from '../data/scaler.js';
import { DenseAutoencoder, denseConfig, place } from '../models/index.js';
import { lowRankRows } from '../models/test-utils/synthetic.js';
import { AutoencoderDenoiser } from './denoiser.js';
import { AutoencoderDetector } from './detector.js';
import { PcaDetector } from './pca-detector.js';
import { AutoencoderReducer } from './reducer.js';

describe('placed rows in the task classes', () => {
  it('a reducer transforms and a denoiser denoises placed rows as they do plain rows', () => {
    setBackend(new JsBackend());
    const data = lowRankRows(80, 12, 3, 4);
    const model = new DenseAutoencoder(denseConfig({ inputDim: 12, hidden: [8], latentDim: 3, outputActivation: 'sigmoid', seed: 5 }));
    model.scaler = fitScaler('minmax', data);
    const placed = place(data);
    const plain = { data: data.data.slice(20 * 12, 60 * 12), rows: 40, cols: 12 };
    const reducer = AutoencoderReducer.fromModel(model);
    const denoiser = AutoencoderDenoiser.fromModel(model);
    const close = (a: Float32Array, b: Float32Array): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    close(reducer.transform(placed.slice(20, 60)).data, reducer.transform(plain).data);
    close(denoiser.denoise(placed.slice(20, 60)).data, denoiser.denoise(plain).data);
  });
});

describe('placed rows in the detectors', () => {
  it('score, predict and evaluate take placed rows and give what plain rows give, for every metric', () => {
    setBackend(new JsBackend());
    const data = lowRankRows(120, 12, 3, 6);
    const model = new DenseAutoencoder(denseConfig({ inputDim: 12, hidden: [8], latentDim: 3, outputActivation: 'sigmoid', seed: 5 }));
    model.scaler = fitScaler('minmax', data);
    const placed = place(data);
    const detector = AutoencoderDetector.fromModel(model, 'combined').calibrate(data, 'percentile:90');
    // The model's scaler runs on the backend for placed rows: equal to float32 rounding.
    const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    for (const metric of ['mse', 'mae', 'combined'] as const) close(detector.score(placed, metric), detector.score(data, metric));
    close(detector.score(placed, 'feature').features.data, detector.score(data, 'feature').features.data);
    expect(detector.predict(placed.slice(0, 50))).toEqual(detector.predict({ data: data.data.slice(0, 600), rows: 50, cols: 12 }));
    const labels = Array.from({ length: 120 }, (_v, i) => (i % 10 === 0 ? 1 : 0));
    expect(detector.evaluate(placed, labels).rocAuc).toBeCloseTo(detector.evaluate(data, labels).rocAuc, 6);
    const pca = new PcaDetector({ nComponents: 2 }).fit(data);
    expect(pca.score(placed, 'mae')).toEqual(pca.score(data, 'mae'));
    expect(pca.score(placed, 'feature').scores).toEqual(pca.score(data, 'feature').scores);
  });
});
