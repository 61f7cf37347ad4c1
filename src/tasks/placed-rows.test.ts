import { describe, expect, it } from 'vitest';
import { JsBackend } from '../backend/js/js-backend.js';
import { setBackend } from '../backend/registry.js';
import { fitScaler } from '../data/scaler.js';
import { DenseAutoencoder, denseConfig, place } from '../models/index.js';
import { lowRankRows } from '../models/test-utils/synthetic.js';
import { AutoencoderDenoiser } from './denoiser.js';
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
