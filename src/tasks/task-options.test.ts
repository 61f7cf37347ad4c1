/**
 * The contracts plain-JavaScript callers rely on: options checked at run time (unknown keys with
 * a suggestion, wrong types named), NaN/Inf input named by row and column, the familiar
 * spellings (`new Pca(2)`, `contamination: 0.05`, `rule: 'percentile:99'`), and a detector that
 * saves and loads as one object with its threshold.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestName } from '../check-options.js';
import type { Matrix } from '../data/matrix.js';
import { saveModel } from '../io/model-node.js';
import { convConfig, DenseAutoencoder, denseConfig, vaeConfig } from '../models/index.js';
import { Rng } from '../tensor/rng.js';
import { caughtLatentError } from '../test-utils/errors.js';
import { FIT_SPEC, fit, type FitOptions } from '../train/trainer.js';
import type { DenoiserOptions } from './denoiser.js';
import { AutoencoderDenoiser } from './denoiser.js';
import { AutoencoderDetector, type DetectorOptions } from './detector.js';
import { loadDetector } from './node-detector.js';
import { Pca } from './pca.js';
import { PcaDetector, type PcaDetectorOptions } from './pca-detector.js';
import { AutoencoderReducer } from './reducer.js';
import { AUTOENCODER_SPEC, DENOISER_SPEC, DETECTOR_SPEC, PCA_DETECTOR_SPEC, SERIES_SPEC } from './task-options.js';
import { SeriesScorer, type SeriesOptions } from './timeseries.js';
import type { AutoencoderOptions } from './train-model.js';

function noise(rows: number, cols: number, seed = 3): Matrix {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => rng.normal()), rows, cols };
}

/** Calls a constructor or function the way plain JavaScript would, without the type checker. */
function untyped<T>(value: unknown): T {
  return value as T;
}

describe('option specs list every option of their interfaces', () => {
  // Record<keyof T, true> makes the type checker demand every key and refuse extra ones.
  const autoencoder: Record<keyof AutoencoderOptions, true> = {
    batchSize: true,
    shuffle: true,
    validationSplit: true,
    validationData: true,
    loss: true,
    optimizer: true,
    lrSchedule: true,
    clipNorm: true,
    earlyStopping: true,
    corruption: true,
    corruptionClip: true,
    onBatchEnd: true,
    onEpochEnd: true,
    latentDim: true,
    hidden: true,
    activation: true,
    outputActivation: true,
    dropout: true,
    scaler: true,
    epochs: true,
    budget: true,
    maxSeconds: true,
    seed: true,
    model: true,
  };
  const fitKeys: Record<keyof FitOptions, true> = {
    epochs: true,
    batchSize: true,
    shuffle: true,
    validationSplit: true,
    validationData: true,
    loss: true,
    optimizer: true,
    lrSchedule: true,
    clipNorm: true,
    earlyStopping: true,
    maxSeconds: true,
    scaler: true,
    corruption: true,
    corruptionClip: true,
    seed: true,
    onBatchEnd: true,
    onEpochEnd: true,
    onCheckpoint: true,
    checkpointEvery: true,
    resume: true,
    stream: true,
  };
  const detector: Record<keyof DetectorOptions, true> = { ...autoencoder, rule: true, contamination: true, metric: true, family: true };
  const pcaDetector: Record<keyof PcaDetectorOptions, true> = {
    nComponents: true,
    scaler: true,
    metric: true,
    rule: true,
    contamination: true,
  };
  const denoiser: Record<keyof DenoiserOptions, true> = { ...autoencoder, imageShape: true };
  const series: Record<keyof SeriesOptions, true> = {
    ...autoencoder,
    rule: true,
    contamination: true,
    window: true,
    stride: true,
    pointScore: true,
    thresholdUpdate: true,
    potQuantile: true,
    persistence: true,
    cooldown: true,
    holdout: true,
    family: true,
    conv: true,
  };
  const keys = (o: object): string[] => Object.keys(o).sort();

  it.each([
    ['fit', FIT_SPEC, fitKeys],
    ['AutoencoderReducer', AUTOENCODER_SPEC, autoencoder],
    ['AutoencoderDetector', DETECTOR_SPEC, detector],
    ['PcaDetector', PCA_DETECTOR_SPEC, pcaDetector],
    ['AutoencoderDenoiser', DENOISER_SPEC, denoiser],
    ['SeriesScorer', SERIES_SPEC, series],
  ])('%s', (_name, spec, declared) => expect(keys(spec)).toEqual(keys(declared)));
});

describe('unknown and mistyped options', () => {
  it('names an unknown key with the closest known one', () => {
    const error = caughtLatentError(() => new AutoencoderDetector(untyped({ contaminaton: 0.05 })));
    expect(error.message).toBe('AutoencoderDetector options: unknown option "contaminaton"');
    expect(error.hint).toMatch(/^did you mean "contamination"\? known options: /);
    expect(caughtLatentError(() => new Pca(untyped({ components: 2 }))).hint).toMatch(/did you mean "nComponents"/);
    expect(caughtLatentError(() => new AutoencoderReducer(untyped({ latentdim: 2 }))).hint).toMatch(/did you mean "latentDim"/);
    expect(caughtLatentError(() => new AutoencoderDenoiser(untyped({ zzz: 1 }))).hint).toMatch(/^known options: /);
    expect(caughtLatentError(() => new SeriesScorer(untyped({ windw: 32 }))).hint).toMatch(/did you mean "window"/);
    expect(caughtLatentError(() => new PcaDetector(untyped({ ncomponents: 2 }))).hint).toMatch(/did you mean "nComponents"/);
  });

  it('names a value of the wrong type and the type it needs', () => {
    expect(caughtLatentError(() => new AutoencoderReducer(untyped({ epochs: '10' }))).message).toBe(
      'AutoencoderReducer options: option "epochs" must be a whole number, got the string "10"',
    );
    expect(caughtLatentError(() => new AutoencoderDetector(untyped({ scaler: 'zscore' }))).message).toMatch(
      /option "scaler" must be one of "none", "minmax", "standard", "standard-pooled", got the string "zscore"/,
    );
    expect(caughtLatentError(() => new AutoencoderReducer(untyped({ scaler: 'standrd-pooled' }))).hint).toBe(
      'did you mean "standard-pooled"?',
    );
    expect(caughtLatentError(() => new AutoencoderDetector(untyped(0.05))).message).toBe(
      'AutoencoderDetector options must be an object of options, got number 0.05',
    );
  });

  it('checks the options of fit calls too', async () => {
    const model = new DenseAutoencoder(denseConfig({ inputDim: 3, hidden: [], latentDim: 2 }));
    const x = noise(20, 3);
    await expect(fit(model, x, untyped({ epoch: 2 }))).rejects.toThrow('fit options: unknown option "epoch"');
    await expect(fit(model, x, untyped({ batchSize: 2.5 }))).rejects.toThrow('option "batchSize" must be a whole number, got number 2.5');
    await expect(new AutoencoderReducer().fit(x, untyped({ epocs: 1 }))).rejects.toThrow(
      /AutoencoderReducer\.fit options: unknown option "epocs"/,
    );
  });

  it('refuses a misspelt model config field instead of taking its default', () => {
    const error = caughtLatentError(() => denseConfig(untyped({ inputDim: 4, latent: 2 })));
    expect(error.message).toBe('dense model config: unknown field "latent"');
    expect(error.hint).toMatch(/^did you mean "latentDim"\?/);
    expect(() => vaeConfig(untyped({ inputDim: 4, latentDim: 2, betta: 2 }))).toThrow('vae model config: unknown field "betta"');
    expect(() => convConfig(untyped({ height: 8, width: 8, latentDim: 2, kernal: 3 }))).toThrow(
      'conv model config: unknown field "kernal"',
    );
    expect(denseConfig({ inputDim: 4, latentDim: 2 }).latentDim).toBe(2);
  });

  it('suggests only names that are close', () => {
    expect(closestName('EPOCHS', ['epochs', 'seed'])).toBe('epochs');
    expect(closestName('banana', ['epochs', 'seed'])).toBeUndefined();
  });
});

describe('NaN and infinite input', () => {
  const withBad = (value: number, row: number, col: number): Matrix => {
    const x = noise(30, 4);
    x.data[row * 4 + col] = value;
    return x;
  };

  it('is reported with its first row and column, not as a diverged training run', async () => {
    const model = new DenseAutoencoder(denseConfig({ inputDim: 4, hidden: [], latentDim: 2 }));
    await expect(fit(model, withBad(NaN, 7, 2), { epochs: 1 })).rejects.toThrow('the training data: row 7, column 2 holds NaN');
    await expect(new AutoencoderDetector({ epochs: 1 }).fit(withBad(Infinity, 3, 0))).rejects.toThrow(
      'the training data: row 3, column 0 holds Infinity',
    );
    expect(() => new PcaDetector().fit(withBad(-Infinity, 1, 3))).toThrow('PcaDetector.fit data: row 1, column 3 holds -Infinity');
    expect(() => new Pca(2).fit(withBad(NaN, 4, 1))).toThrow(/row 4, column 1/);
    const validationData = withBad(NaN, 2, 1);
    await expect(fit(model, noise(30, 4), { epochs: 1, validationData })).rejects.toThrow('the validation data: row 2, column 1 holds NaN');
  });
});

describe('familiar spellings', () => {
  it('new Pca(2) keeps 2 components', () => {
    expect(new Pca(2).fit(noise(40, 5)).nComponents).toBe(2);
    expect(() => new Pca(0)).toThrow(/nComponents must be a positive integer/);
  });

  it('contamination: C on a detector is the contamination rule', () => {
    expect(new AutoencoderDetector({ contamination: 0.05 }).rule).toEqual({ kind: 'contamination', fraction: 0.05 });
    expect(new PcaDetector({ contamination: 0.2 }).fit(noise(50, 4)).rule).toEqual({ kind: 'contamination', fraction: 0.2 });
    expect(() => new AutoencoderDetector({ contamination: 0.9 })).toThrow(/contamination 0\.9 is outside \(0, 0\.5\]/);
    expect(() => new AutoencoderDetector({ contamination: 0.05, rule: 'max' })).toThrow(/both "rule" and "contamination" are given/);
  });

  it('a rule may be a string in the command line spelling, and a bad one is named', () => {
    expect(new AutoencoderDetector({ rule: 'percentile:99' }).rule).toEqual({ kind: 'percentile', percentile: 99 });
    expect(new SeriesScorer({ rule: 'pot:1e-3' }).rule).toEqual({ kind: 'pot', risk: 1e-3 });
    const detector = new PcaDetector({ rule: 'std:3' }).fit(noise(50, 4));
    expect(detector.rule).toEqual({ kind: 'std', k: 3 });
    expect(detector.calibrate(noise(50, 4), 'max').rule).toEqual({ kind: 'max' });
    expect(() => new AutoencoderDetector({ rule: 'percentile:abc' })).toThrow(/threshold rule "percentile:abc"/);
    expect(() => new AutoencoderDetector(untyped({ rule: 99 }))).toThrow(/the threshold rule must be an object .* or a string/);
  });
});

describe('a detector saves and loads as one object', () => {
  it('keeps its threshold, rule and metric through saveModel and loadDetector', async () => {
    const x = noise(80, 4);
    const detector = await new AutoencoderDetector({ epochs: 2, contamination: 0.05, seed: 1 }).fit(x);
    const path = join(mkdtempSync(join(tmpdir(), 'latent-detector-')), 'detector.safetensors');
    saveModel(path, detector);
    const loaded = loadDetector(path);
    expect(loaded.threshold).toBe(detector.threshold);
    expect(loaded.rule).toEqual({ kind: 'contamination', fraction: 0.05 });
    expect(loaded.metric).toBe(detector.metric);
    expect(Array.from(loaded.predict(x))).toEqual(Array.from(detector.predict(x)));
  });

  it('refuses to load a plain model as a detector, and extra settings beside a detector', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-detector-'));
    const model = new DenseAutoencoder(denseConfig({ inputDim: 4, hidden: [], latentDim: 2 }));
    saveModel(join(dir, 'plain.safetensors'), model);
    const error = caughtLatentError(() => loadDetector(join(dir, 'plain.safetensors')));
    expect(error.message).toContain('plain.safetensors: the model file holds no anomaly threshold');
    const detector = await new AutoencoderDetector({ epochs: 1 }).fit(noise(40, 4));
    expect(() => saveModel(join(dir, 'd.safetensors'), detector, { extra: { a: 1 } })).toThrow(/"extra" cannot be given with a detector/);
  });
});
