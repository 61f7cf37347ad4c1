import { describe, expect, it } from 'vitest';
import type { Matrix } from '../data/matrix.js';
import { modelFromBytes } from '../io/model-io.js';
import { VariationalAutoencoder, vaeConfig } from '../models/index.js';
import { Rng } from '../tensor/rng.js';
import { AutoencoderDetector } from './detector.js';
import { detectorFor, taskKind } from './model-task.js';

function gaussianRows(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => 3 + 2 * rng.normal()), rows, cols };
}

describe('detectorFor with the elbo metric', () => {
  const x = gaussianRows(120, 6, 1);

  it('computes an elbo threshold for a VAE file that stores an mse one', async () => {
    const model = new VariationalAutoencoder(vaeConfig({ inputDim: 6, hidden: [8], latentDim: 2, likelihood: 'gaussian', seed: 1 }));
    const fitted = await new AutoencoderDetector({ model, metric: 'mse', epochs: 2, rule: { kind: 'max' } }).fit(x);
    const loaded = modelFromBytes(fitted.toBytes(), 'vae.safetensors');
    expect(taskKind(loaded)).toBe('detector');
    expect(detectorFor(loaded, 'vae.safetensors', x).detector.metric).toBe('mse');
    const choice = detectorFor(loaded, 'vae.safetensors', x, undefined, 'elbo');
    expect(choice.fromFile).toBe(false);
    expect(choice.rule).toEqual({ kind: 'max' });
    expect(choice.detector.metric).toBe('elbo');
    expect(choice.detector.threshold).toBe(Math.max(...model.negativeElbo(x)));
  });

  it('names the file when the model has no ELBO', async () => {
    const dense = await new AutoencoderDetector({ epochs: 1 }).fit(x);
    const loaded = modelFromBytes(dense.toBytes(), 'dense.safetensors');
    expect(() => detectorFor(loaded, 'dense.safetensors', x, undefined, 'elbo')).toThrow(
      /the elbo score needs a variational autoencoder; the dense model in dense.safetensors has no ELBO/,
    );
  });
});
