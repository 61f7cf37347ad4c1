import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import { matrix } from '../data/matrix.js';
import { trainingSummary } from '../io/training-summary.js';
import { ConvAutoencoder } from '../models/conv-autoencoder.js';
import { convConfig } from '../models/conv-config.js';
import { denseConfig } from '../models/config.js';
import { DenseAutoencoder } from '../models/dense.js';
import { vaeConfig } from '../models/penalty-configs.js';
import { VariationalAutoencoder } from '../models/vae.js';
import { AutoencoderDetector } from '../tasks/detector.js';
import { Rng } from '../tensor/rng.js';
import { validationIndices } from '../train/batches.js';
import { fit } from '../train/trainer.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { unbalancedTags } from './test-utils/markup.js';
import { trainingReport, type TrainingReportInput } from './training-report.js';

const VOID = ['meta', 'img', 'br', 'link'];

/** 8×8 "images": a bright square at a seeded place, labelled by its quadrant. */
function images(rows: number): Dataset {
  const rng = new Rng(3);
  const x = new Float32Array(rows * 64);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const top = Math.floor(rng.uniform() * 5);
    const left = Math.floor(rng.uniform() * 5);
    for (let y = top; y < top + 3; y++) for (let c = left; c < left + 3; c++) x[r * 64 + y * 8 + c] = 1;
    labels[r] = (top > 2 ? 2 : 0) + (left > 2 ? 1 : 0);
  }
  return { x: matrix(x, rows, 64), columns: Array.from({ length: 64 }, (_, i) => `p${i}`), labels, source: 'squares', sampleShape: [8, 8] };
}

/** A table of 6 correlated columns; the last 10% of rows are anomalies (label 1) far off the pattern. */
function table(rows: number): Dataset {
  const rng = new Rng(5);
  const x = new Float32Array(rows * 6);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = rng.uniform() * 4 - 2;
    const anomaly = r >= rows * 0.9;
    labels[r] = anomaly ? 1 : 0;
    for (let c = 0; c < 6; c++) x[r * 6 + c] = (anomaly && c === 2 ? 5 : 0) + t * (c + 1) * 0.3 + (rng.uniform() - 0.5) * 0.1;
  }
  return { x: matrix(x, rows, 6), columns: ['age', 'income', 'pressure', 'pulse', 'weight', 'height'], labels, source: 'people.csv' };
}

async function report(model: Autoencoder, data: Dataset, extra: Partial<TrainingReportInput> = {}): Promise<string> {
  const loss = model.outputActivation === 'sigmoid' ? 'bce' : 'mse';
  const history = await fit(model, data.x, {
    epochs: 3,
    batchSize: 32,
    validationSplit: 0.2,
    seed: 4,
    loss,
    scaler: model.scaler ? 'none' : 'standard',
  });
  const split = validationIndices(data.x.rows, 0.2, 4);
  const summary = trainingSummary({
    history,
    samples: data.x.rows,
    seconds: 1.5,
    backend: 'js',
    source: data.source,
    options: {
      model: model.config.kind,
      latent: model.latentDim,
      hidden: [8],
      outputActivation: model.outputActivation,
      loss,
      lr: 0.001,
      valSplit: 0.2,
    },
  });
  return trainingReport({
    title: `latent train ${data.source}`,
    command: `latent train ${data.source}`,
    history,
    summary,
    model,
    data,
    validationRows: split.validation,
    trainRows: split.train,
    seed: 4,
    ...extra,
  });
}

function headings(html: string): string[] {
  return [...html.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]!);
}

/** Self-contained: nothing is fetched (no http(s) in src or href, no scripts, no external CSS). */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/(src|href)="https?:/i);
  expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
  expect(html).not.toMatch(/<script|<link|@import/i);
  expect(unbalancedTags(html, VOID)).toEqual([]);
  expect(html).toContain('prefers-color-scheme: dark');
  expect(html).toContain('@media print');
}

describe('trainingReport', () => {
  it('dense model on a labelled table: per-column errors, worst rows, labelled scatter, ROC/PR, top rows, PCA side by side', async () => {
    const data = table(300);
    const html = await report(new DenseAutoencoder(denseConfig({ inputDim: 6, hidden: [8], latentDim: 2, seed: 1 })), data);
    expectSelfContained(html);
    expect(headings(html)).toEqual([
      'Training',
      'Reconstructions',
      'Latent space',
      'Reconstruction error and anomalies',
      'PCA baseline',
      'Settings',
    ]);
    expect(html).toContain('Error per column');
    // Three worst rows, in the desktop layout and again in the phone layout.
    expect(html.match(/<g class="row-profile">/g)).toHaveLength(6);
    expect(html.match(/<div class="layout-narrow">/g)?.length).toBe(html.match(/<div class="layout-wide">/g)?.length);
    expect(html).toContain('>anomaly</text>');
    expect(html).toContain('ROC curve');
    expect(html).toMatch(/autoencoder \(AUC 0\.\d{3}\)/);
    expect(html).toMatch(/PCA, 2 components \(AP 0\.\d{3}\)/);
    expect(html).toContain('most anomalous features');
    expect(html).toContain('Error per column, model and PCA');
    expect(html).toContain('data-series="learning rate"');
    expect(html).toContain('kept epoch');
    // Readable labels, never raw field names.
    expect(html).not.toMatch(/finalValLoss|outputActivation|valSplit|option /);
    expect(html).toContain('output activation');
    expect(html).toContain('validation share of rows');
    // Every picture says which rows it shows: the 60 held-out ones.
    expect(html).toContain('60 validation rows');
  });

  it('detector: the stored threshold and the share it flags', async () => {
    const data = table(300);
    const model = new DenseAutoencoder(denseConfig({ inputDim: 6, hidden: [8], latentDim: 2, seed: 1 }));
    const split = validationIndices(data.x.rows, 0.2, 4);
    await report(model, data);
    const detector = AutoencoderDetector.fromModel(model, 'mse').calibrate(
      data.x,
      { kind: 'contamination', fraction: 0.1 },
      split.validation,
    );
    const html = await report(model, data, { detector, thresholdRows: 'the 60 validation rows' });
    expect(html).toMatch(/<line class="threshold"/);
    expect(html).toMatch(/\d+ of 60 rows flagged/);
    expect(html).toContain('rule contamination:0.1 on the 60 validation rows');
    const without = await report(model, data);
    expect(without).not.toMatch(/<line class="threshold"/);
    expect(without).toContain('No anomaly threshold is stored');
  });

  it('conv model on images: originals above reconstructions, PCA row beside, no table-only charts', async () => {
    const data = images(120);
    const model = new ConvAutoencoder(
      convConfig({
        channels: 1,
        height: 8,
        width: 8,
        convChannels: [4],
        kernel: 3,
        stride: 2,
        padding: 1,
        latentDim: 4,
        activation: 'relu',
        outputActivation: 'sigmoid',
        seed: 2,
      }),
    );
    const html = await report(model, data);
    expectSelfContained(html);
    expect(headings(html)).toEqual([
      'Training',
      'Reconstructions',
      'Latent space',
      'Reconstruction error and anomalies',
      'PCA baseline',
      'Settings',
    ]);
    expect(html).toMatch(
      /<img class="grid" alt="10 8×8 images per row; rows from top: original, reconstructed\." src="data:image\/png;base64,/,
    );
    // Row names are text beside the picture, not pixels in it.
    expect(html).toContain(
      '<span class="row-label" aria-hidden="true" style="grid-area: 4 / 1; align-self: center; text-align: right; line-height: 1.2">reconstructed</span>',
    );
    expect(html).toContain('rows from top: original, model, PCA');
    expect(html).toContain('Codes, first two principal components');
    expect(html).not.toContain('Error per column');
    expect(html).not.toContain('ROC curve'); // four quadrant classes are not anomaly labels
    expect(html).not.toContain('latent plane');
  });

  it('denoiser: noisy above denoised', async () => {
    const data = images(120);
    const model = new DenseAutoencoder(denseConfig({ inputDim: 64, hidden: [16], latentDim: 4, outputActivation: 'sigmoid', seed: 1 }));
    const html = await report(model, data, { noise: { kind: 'mask', fraction: 0.3 } });
    expect(html).toContain('rows from top: noisy, denoised');
    expect(html).toContain('training noise (mask:0.3)');
  });

  it('VAE on images: ELBO terms and the latent plane', async () => {
    const data = images(120);
    const model = new VariationalAutoencoder(vaeConfig({ inputDim: 64, hidden: [16], latentDim: 2, likelihood: 'bernoulli', seed: 3 }));
    const html = await report(model, data);
    expectSelfContained(html);
    expect(html).toContain('ELBO terms per epoch');
    expect(html).toContain('data-series="KL divergence"');
    expect(html).toContain('negative ELBO per sample (nats)');
    expect(html).toContain('The latent plane.');
    expect(html).toMatch(/alt="What the decoder makes of a 12×12 grid of latent points/);
    expect(html).toContain('latent dimension 1 (mean of z₁)');
  });
});
