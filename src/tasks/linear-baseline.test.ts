import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-utils/capture.js';
import { loadDataset } from '../data/node.js';
import { applyScaler, fitScaler } from '../data/scaler.js';
import { loadModel } from '../io/model-node.js';
import { denseConfig } from '../models/config.js';
import { DenseAutoencoder } from '../models/dense.js';
import { pcaAutoencoder } from './linear-baseline.js';
import { Pca } from './pca.js';
import { AutoencoderReducer } from './reducer.js';

const ADBENCH = resolve(process.cwd(), '../shared/data/adbench');

describe('the linear baseline of reduction', () => {
  it('is PCA as a dense autoencoder: same codes (up to float32) and reconstructions', () => {
    const { x } = loadDataset(join(ADBENCH, '6_cardio.npz'));
    const like = new DenseAutoencoder(denseConfig({ inputDim: 21, hidden: [8], latentDim: 4 }));
    like.scaler = fitScaler('standard', x);
    const linear = pcaAutoencoder(x, 4, like);
    const scaled = applyScaler(like.scaler, x);
    const pca = new Pca({ nComponents: 4 }).fit(scaled);
    const codes = linear.encode(x);
    const expected = pca.transform(scaled);
    for (let i = 0; i < codes.data.length; i += 97) expect(codes.data[i]).toBeCloseTo(expected.data[i]!, 3);
    const rebuilt = applyScaler(like.scaler, linear.reconstruct(x));
    const pcaRebuilt = pca.inverseTransform(expected);
    for (let i = 0; i < rebuilt.data.length; i += 89) expect(rebuilt.data[i]).toBeCloseTo(pcaRebuilt.data[i]!, 3);
  });

  it('the default reducer keeps PCA where the autoencoder does not clearly beat it, and the autoencoder where it does', async () => {
    // 8 of 9 features: PCA is near lossless there, and gradient descent ends short of it.
    const wbc = loadDataset(join(ADBENCH, '42_WBC.npz')).x;
    const near = await new AutoencoderReducer({ latentDim: 8, seed: 0 }).fit(wbc);
    expect(near.choice?.kept).toBe('linear');
    expect(near.model.config).toMatchObject({ hidden: [], activation: 'identity' });
    // Cardio at latent 4: the non-linear model keeps a third more of the held-out variance.
    const cardio = loadDataset(join(ADBENCH, '6_cardio.npz')).x;
    const wide = await new AutoencoderReducer({ latentDim: 4, seed: 0 }).fit(cardio);
    expect(wide.choice?.kept).toBe('autoencoder');
    expect(wide.choice!.autoencoderMse).toBeLessThan(0.9 * wide.choice!.linearMse);
  });

  it('latent train with default shapes says which model it kept, and stores the choice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-linear-'));
    const out = join(dir, 'wbc.safetensors');
    const run = await runCli('train', join(ADBENCH, '42_WBC.npz'), '--latent', '8', '-o', out);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/kept the linear model \(PCA with 8 components\)/);
    const saved = loadModel(out);
    expect(saved.model.config).toMatchObject({ hidden: [], activation: 'identity' });
    expect(saved.training?.['options']).toMatchObject({ kept: 'linear', budget: 'auto' });
    // A shape the user chose is kept as asked.
    const shaped = await runCli(
      'train',
      join(ADBENCH, '42_WBC.npz'),
      '--latent',
      '8',
      '--hidden',
      '16',
      '--epochs',
      '2',
      '-o',
      join(dir, 's.safetensors'),
      '-q',
    );
    expect(shaped.stdout).not.toMatch(/kept the/);
  });
});
