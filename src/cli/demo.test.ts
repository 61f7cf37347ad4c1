/**
 * `latent demo`, shortened (one epoch, latent 2): it trains on the built-in MNIST, compares with
 * PCA, writes the picture and the model into the chosen folder, and refuses to replace them
 * without --force before training again.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/model-node.js';
import { decodePng } from '../report/png.js';
import { runCli } from './test-utils/capture.js';

describe('latent demo', () => {
  const root = mkdtempSync(join(tmpdir(), 'latent-cli-demo-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains, compares with PCA and writes its files', async () => {
    const dir = join(root, 'out', 'demo'); // created on demand
    const run = await runCli('demo', '--epochs', '1', '--latent', '2', '-o', dir, '--backend', 'js');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/epoch 1\/1 {2}loss \d\.\d{4} {2}\d+ samples\/s/);
    const ae = Number(/autoencoder \(latent 2\)\s+(\d\.\d+)/.exec(run.stdout)?.[1]);
    const pca = Number(/PCA \(2 components\)\s+(\d\.\d+)/.exec(run.stdout)?.[1]);
    // Both errors are per-pixel MSE on [0, 1] data: well inside (0, 0.1) for MNIST.
    expect(ae).toBeGreaterThan(0);
    expect(ae).toBeLessThan(0.1);
    expect(pca).toBeGreaterThan(0.03);
    expect(pca).toBeLessThan(0.1);
    expect(run.stdout).toMatch(/(the autoencoder|PCA) wins: its error is \d+\.\d% lower/);

    const image = join(dir, 'demo-reconstructions.png');
    expect(run.stdout).toContain(`wrote ${image}`);
    const png = decodePng(new Uint8Array(readFileSync(image)), image);
    // Three rows of ten 28×28 digits drawn at 3×: wider than 10·84 and taller than 3·84 pixels.
    expect(png.width).toBeGreaterThan(10 * 84);
    expect(png.height).toBeGreaterThan(3 * 84);
    const model = loadModel(join(dir, 'demo-model.safetensors'));
    expect(model.model.config).toMatchObject({ inputDim: 784, latentDim: 2, outputActivation: 'sigmoid' });
    expect(model.training?.loss).toBe('bce');
    expect(model.training?.['testMse']).toBeCloseTo(ae, 4);

    const again = await runCli('demo', '--epochs', '1', '--latent', '2', '-o', dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('demo-model.safetensors already exists');
    expect(again.stdout).toBe(''); // refused before training
    expect(existsSync(image)).toBe(true);
  });
});
