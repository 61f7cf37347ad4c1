/**
 * The browser playground, built with `buildWeb` and served by its own static server with the
 * isolation headers, driven in headless Chromium: training the built-in digits updates every
 * view, the worker reports the backend and its threads, the downloaded model decodes in Node and
 * encodes as the page did, a variational model's latent plane is what the downloaded model decodes,
 * changing the threshold rule re-flags samples as the library's rule does, Stop keeps the model
 * (scored at the epoch it ends), and bad files get messages naming what is wrong. The Node-side
 * pieces (digits asset, server errors, plane points, scoring schedule, rule parsing) are checked
 * without a browser.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/node-mnist.js';
import {
  computeThreshold,
  DenseAutoencoder,
  denseConfig,
  isLatentError,
  matrix,
  modelFromBytes,
  Rng,
  takeRows,
  VariationalAutoencoder,
  vaeConfig,
  type Autoencoder,
  type ThresholdRule,
} from '../../src/index.js';
import { buildWeb } from '../../scripts/web-build.js';
import { serveStatic, type StaticServer } from '../../scripts/web-server.js';
import { decodeMnistAsset, type DigitSample } from '../../web/src/mnist-asset.js';
import { csvDataset, MNIST_ASSET } from '../../web/src/data.js';
import { planeAxis, planeCodes } from '../../src/tasks/latent-plane.js';
import { latentPlaneView } from '../../web/src/latent-plane.js';
import { planTraining } from '../../web/src/model-factory.js';
import type { WireDataset } from '../../web/src/protocol.js';
import { scoresAfter } from '../../web/src/scoring-schedule.js';
import { DEFAULT_FORM, parseSettings } from '../../web/src/settings.js';
import { splitRows } from '../../web/src/split.js';
import { flagScores, ruleFromControls } from '../../web/src/threshold-choice.js';
import { computeViews, GRID_IMAGES, TOP_ANOMALIES } from '../../web/src/views-data.js';
import { binCounts } from '../../web/src/views/histogram.js';
import { scatterSvg } from '../../web/src/views/scatter.js';
import { browserUnavailable, launchChromium } from './harness.js';
import {
  anomalySnapshot,
  planeSnapshot,
  setField,
  trainAndWait,
  useDigits,
  type AnomalySnapshot,
  type PageSnapshot,
} from './pages/playground-driver.js';

const unavailable = browserUnavailable();
if (unavailable && process.env['CI']) throw new Error(`browser tests cannot run in CI: ${unavailable}`);

let outDir: string;
let digits: DigitSample;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'latent-playground-'));
  await buildWeb(outDir);
  digits = decodeMnistAsset(new Uint8Array(await readFile(join(outDir, MNIST_ASSET))), MNIST_ASSET);
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('playground pieces', () => {
  it('parses the default form into settings, and names a bad field and its range', () => {
    expect(parseSettings(DEFAULT_FORM)).toEqual({
      family: 'dense',
      latentDim: 8,
      hidden: [256, 64],
      epochs: 10,
      learningRate: 0.001,
      batchSize: 64,
      loss: 'auto',
      seed: 42,
      validationFraction: 0.1,
      noise: 'none',
    });
    expect(() => parseSettings({ ...DEFAULT_FORM, hidden: '128, x' })).toThrow('hidden sizes: "x" is not a whole number from 1 to 4096');
    expect(() => parseSettings({ ...DEFAULT_FORM, epochs: '2.5' })).toThrow('epochs: "2.5" is not a whole number from 1 to 1000');
  });

  it('splits rows into disjoint train and validation parts and shows the validation rows', () => {
    const split = splitRows(50, 0.2, 7);
    expect(split.validationRows).toHaveLength(10);
    expect(split.trainRows).toHaveLength(40);
    expect(new Set([...split.trainRows, ...split.validationRows]).size).toBe(50);
    expect(Array.from(split.shownRows)).toEqual(Array.from(split.validationRows));
    expect(() => splitRows(3, 0.1, 7)).toThrow(/leaves no rows for validation/);
  });

  it('reads a CSV label column as labels, not as a feature', () => {
    const data = csvDataset('a,b,label\n1,2,0\n3,4,1\n5,6,0\n', 'small.csv');
    expect(data.columns).toEqual(['a', 'b']);
    expect(Array.from(data.labels!)).toEqual([0, 1, 0]);
    expect(Array.from(data.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(data.imageShape).toBeNull();
  });

  it('refuses settings that cannot work on the data before training', () => {
    const data = csvDataset('a,b,c\n1,20,3\n4,5,60\n7,8,9\n', 'wide.csv');
    const x = matrix(data.x, data.rows, data.cols);
    expect(() => planTraining({ ...parseSettings(DEFAULT_FORM), latentDim: 1, hidden: [], loss: 'bce' }, data, x)).toThrow(
      'binary cross-entropy needs data in [0, 1]',
    );
    expect(() => planTraining({ ...parseSettings(DEFAULT_FORM), latentDim: 1, family: 'conv' }, data, x)).toThrow(
      'the conv family needs image data',
    );
    const plan = planTraining({ ...parseSettings(DEFAULT_FORM), latentDim: 1, hidden: [] }, data, x);
    expect([plan.lossName, plan.scaler, plan.model.outputActivation]).toEqual(['mse', 'standard', 'identity']);
  });

  it('decodes the plane for a variational model on images, and says why not for other models and tables', () => {
    const images: WireDataset = {
      source: 'tiny',
      x: new Float32Array(4 * 16),
      rows: 4,
      cols: 16,
      columns: [],
      labels: null,
      imageShape: [4, 4],
    };
    const vae = new VariationalAutoencoder(vaeConfig({ inputDim: 16, hidden: [8], latentDim: 3, seed: 3, likelihood: 'bernoulli' }));
    const plane = latentPlaneView(vae, images);
    if (plane.kind !== 'grid') throw new Error(`no plane: ${plane.kind}`);
    expect([plane.rows, plane.axis.length, plane.height, plane.width]).toEqual([12, 12, 4, 4]);
    expect(Array.from(plane.images)).toEqual(Array.from(vae.decode(matrix(planeCodes(planeAxis(12), 3), 144, 3)).data));

    const dense = new DenseAutoencoder(denseConfig({ inputDim: 16, hidden: [8], latentDim: 2, outputActivation: 'sigmoid', seed: 3 }));
    const notVae = latentPlaneView(dense, images);
    expect(notVae.kind === 'unavailable' && notVae.reason).toContain('Only a variational model has a prior');
    const table = latentPlaneView(vae, { ...images, imageShape: null });
    expect(table.kind === 'unavailable' && table.reason).toContain('these data are a table');
  });

  it('scores after the first epoch, every fifth and the last (or the one a Stop ends)', () => {
    const at = (epochs: number, stopAt = 0): number[] =>
      Array.from({ length: epochs }, (_, i) => i + 1).filter((e) => scoresAfter(e, epochs, e === stopAt));
    expect(at(10)).toEqual([1, 5, 10]);
    expect(at(12)).toEqual([1, 5, 10, 12]);
    expect(at(2)).toEqual([1, 2]);
    expect(at(9, 7)).toEqual([1, 5, 7, 9]);
  });

  it('reads the threshold rule from the controls and flags with the library rule', () => {
    expect(ruleFromControls('std', ' 2.5 ')).toEqual({ kind: 'std', k: 2.5 });
    expect(ruleFromControls('max', 'ignored')).toEqual({ kind: 'max' });
    expect(ruleFromControls('pot', '0.001')).toEqual({ kind: 'pot', risk: 0.001 });
    expect(() => ruleFromControls('pot', '0.5')).toThrow('risk: 0.5 is outside (0, 0.5)');
    expect(() => ruleFromControls('contamination', '0.9')).toThrow('expected share: 0.9 is outside (0, 0.5]');
    expect(() => ruleFromControls('percentile', '')).toThrow('percentile: "" is not a number');
    const train = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const shown = [0.5, 5.5, 9.5, 10, 11];
    // The 90th percentile of 1..10 is 9.1: 9.5, 10 and 11 are above it.
    expect(flagScores({ kind: 'percentile', percentile: 90 }, train, shown)).toEqual({
      threshold: computeThreshold({ kind: 'percentile', percentile: 90 }, train),
      flags: new Uint8Array([0, 0, 1, 1, 1]),
      flagged: 3,
    });
    // Flagging is strictly above: a score equal to the maximum is not flagged.
    expect(flagScores({ kind: 'max' }, train, shown).flagged).toBe(1);
  });

  it('decodes the drawn reconstructions from the codes, and keeps earlier scores between scorings', () => {
    const rng = new Rng(5);
    const rows = 40;
    const x = Float32Array.from({ length: rows * 16 }, () => rng.uniform());
    const data: WireDataset = { source: 'tiny', x, rows, cols: 16, columns: [], labels: null, imageShape: [4, 4] };
    const model: Autoencoder = new DenseAutoencoder(
      denseConfig({ inputDim: 16, hidden: [8], latentDim: 2, outputActivation: 'sigmoid', seed: 9 }),
    );
    const inputs = {
      model,
      data,
      shownRows: Uint32Array.from({ length: 12 }, (_, i) => i),
      shown: 'held-out' as const,
      trainRows: Uint32Array.from({ length: rows - 12 }, (_, i) => i + 12),
      noise: 'none',
      epoch: 1,
    };
    const views = computeViews(inputs, null);
    const all = matrix(x, rows, 16);
    const close = (a: Float32Array, b: Float32Array): number => a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i]!)), 0);
    const firstRows = takeRows(
      all,
      Uint32Array.from({ length: GRID_IMAGES }, (_, i) => i),
    );
    expect(close(views.images!.reconstructions, model.reconstruct(firstRows).data)).toBeLessThan(1e-6);
    const { anomalies } = views;
    expect(anomalies.epoch).toBe(1);
    expect(anomalies.topRows).toHaveLength(TOP_ANOMALIES);
    expect(close(anomalies.topReconstructions!, model.reconstruct(takeRows(all, anomalies.topRows)).data)).toBeLessThan(1e-6);
    expect(Array.from(anomalies.scores)).toEqual(Array.from(model.reconstructionError(takeRows(all, inputs.shownRows), 'bce')));
    expect(Array.from(anomalies.trainScores)).toEqual(Array.from(model.reconstructionError(takeRows(all, inputs.trainRows), 'bce')));
    const later = computeViews({ ...inputs, epoch: 2 }, anomalies);
    expect(later.anomalies).toBe(anomalies);
    expect(later.plane).toEqual({ kind: 'unavailable', reason: expect.stringContaining('this is a dense model') });
  });

  it('draws one scatter dot per sample and bins every score', () => {
    const svg = scatterSvg({
      points: new Float32Array([0, 0, 1, 1, 2, 0.5]),
      labels: new Float32Array([0, 1, 1]),
      xLabel: 'x',
      yLabel: 'y',
    });
    expect(svg.match(/class="point"/g)).toHaveLength(3);
    expect(binCounts([0, 0.1, 0.5, 0.99, 1], 0, 1, 2)).toEqual([2, 3]);
  });
});

describe('playground build and server', () => {
  it('packs the first digits of the MNIST train split, labels and pixels, into the asset', () => {
    const { train } = loadMnist();
    expect(digits.count).toBe(5000);
    expect([digits.height, digits.width]).toEqual([28, 28]);
    expect(Array.from(digits.labels.subarray(0, 20))).toEqual(Array.from(train.labels!.subarray(0, 20)));
    let worst = 0;
    for (let i = 0; i < digits.count * 784; i++) worst = Math.max(worst, Math.abs(digits.pixels[i]! - train.x.data[i]!));
    expect(worst).toBeLessThanOrEqual(1 / 510 + 1e-6);
  });

  it('refuses a corrupt asset with a message naming it', () => {
    expect(() => decodeMnistAsset(new Uint8Array([1, 2, 3]), 'digits.bin')).toThrow(/digits\.bin: not a gzip file/);
  });

  it('names the port and the --port option when the port is in use', async () => {
    const first = await serveStatic(outDir, { port: 0 });
    try {
      const error = await serveStatic(outDir, { port: first.port }).catch((e: unknown) => e);
      expect(isLatentError(error)).toBe(true);
      expect(String((error as Error).message)).toContain(`port ${first.port} on 127.0.0.1 is already in use`);
    } finally {
      await first.close();
    }
  });

  it('serves files with the isolation headers and nothing outside its folder', async () => {
    const server = await serveStatic(outDir, { port: 0 });
    try {
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(await page.text()).toContain('latent playground');
      expect((await fetch(`${server.url}%2e%2e/package.json`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(unavailable !== undefined)('playground in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), serveStatic(outDir, { port: 0 })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openPage(url = server.url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('#data-info')?.textContent?.includes('samples') === true);
    await page.waitForFunction(() => !(document.querySelector('#train') as HTMLButtonElement).disabled);
    return page;
  }

  it('trains the built-in digits and shows loss, reconstructions, latent codes and anomalies', async () => {
    const page = await openPage();
    try {
      await useDigits(page, 600);
      await setField(page, 'epochs', '2');
      await setField(page, 'hidden', '64');
      await setField(page, 'batch', '32');
      await setField(page, 'validation', '20');
      const state: PageSnapshot = await trainAndWait(page);

      // The worker reported the backend: wasm on every core of an isolated page.
      expect(state.backend).toMatchObject({ backend: 'wasm', isolated: true });
      expect(state.backend!.threads).toBe(state.backend!.cores);
      const status = await page.textContent('#backend-status');
      expect(status).toContain(`backend wasm · ${state.backend!.threads} thread`);
      expect(status).toContain('cross-origin isolated: yes');

      // Loss values shown in the table decrease (train and validation).
      const rows = await page.$$eval('#loss-rows tr', (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
      );
      expect(rows).toHaveLength(2);
      const [first, second] = rows.map((cells) => [Number(cells[1]), Number(cells[2])]);
      expect(second![0]).toBeLessThan(first![0]!);
      expect(second![1]).toBeLessThan(first![1]!);
      expect(await page.$$eval('#loss-chart svg path[stroke-width="2"]', (paths) => paths.length)).toBe(2);

      // One dot per shown sample: the 120 held-out rows (20% of 600).
      expect(state.shown).toBe(120);
      expect(await page.$$eval('#scatter circle.point', (dots) => dots.length)).toBe(120);

      // The reconstruction grid: 4 rows (original, reconstructed, noisy, denoised) of 10 digits at 2×.
      const grid = await page.$eval('#reconstructions', (canvas) => {
        const c = canvas as HTMLCanvasElement;
        const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! > 128) dark++;
        return { width: c.width, height: c.height, hidden: c.hidden, inked: dark };
      });
      expect(grid.hidden).toBe(false);
      expect(grid.height).toBe(3 + 4 * (56 + 3));
      expect(grid.inked).toBeGreaterThan(1000);

      // Anomaly view: histogram bars, the threshold, and the five top samples.
      expect(await page.$$eval('#histogram rect.bar', (bars) => bars.length)).toBeGreaterThan(3);
      expect(await page.$$eval('#histogram line.threshold', (lines) => lines.length)).toBe(1);
      expect(await page.$$eval('#top-list li', (items) => items.length)).toBe(5);
      expect(await page.textContent('#anomaly-summary')).toContain('Scores from epoch 2 (');

      // A dense model has no latent plane: the card says why and draws nothing.
      const plane = await planeSnapshot(page);
      expect(plane.kind).toBe('unavailable');
      expect(plane.info).toContain('Only a variational model has a prior');
      expect(await page.isHidden('#plane-figure')).toBe(true);

      // The downloaded model decodes in Node and encodes the shown samples as the page did.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(download.suggestedFilename()).toBe('dense-784-8-mnist.safetensors');
      const bytes = new Uint8Array(await readFile((await download.path())!));
      const { model, training } = modelFromBytes(bytes, 'dense-784-8-mnist.safetensors');
      expect(model.latentDim).toBe(8);
      expect(training?.epochs).toBe(2);
      const shown = takeRows(matrix(digits.pixels, digits.count, 784), state.rows);
      const codes = model.encode(shown).data;
      expect(codes.length).toBe(state.codes.length);
      let worst = 0;
      for (let i = 0; i < codes.length; i++) worst = Math.max(worst, Math.abs(codes[i]! - state.codes[i]!));
      expect(worst).toBeLessThan(1e-4);

      // Opening that file shows its stored loss curve and its views of the same held-out rows.
      await page.setInputFiles('#model-file', {
        name: 'dense-784-8-mnist.safetensors',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(bytes),
      });
      await page.waitForFunction(
        () => document.querySelector('#model-info')?.textContent?.startsWith('opened dense-784-8-mnist.safetensors') === true,
      );
      expect(await page.$$eval('#loss-rows tr', (trs) => trs.length)).toBe(2);
      expect(await page.$$eval('#scatter circle.point', (dots) => dots.length)).toBe(120);
    } finally {
      await page.close();
    }
  });

  it('draws the latent plane of a variational model as the downloaded model decodes it', async () => {
    const page = await openPage();
    try {
      await useDigits(page, 600);
      await setField(page, 'family', 'vae');
      await setField(page, 'latent', '2');
      await setField(page, 'epochs', '2');
      await setField(page, 'hidden', '64');
      await setField(page, 'batch', '32');
      await setField(page, 'validation', '20');
      await trainAndWait(page);

      const plane = await planeSnapshot(page);
      expect(plane.kind).toBe('grid');
      expect(await page.isVisible('#latent-plane')).toBe(true);
      // 12 × 12 cells of 28 × 28 pixels with one-pixel gaps.
      const side = 12;
      const pitch = 28 + 1;
      expect([plane.rows, plane.axis.length, plane.canvas.cells]).toEqual([side, side, side * side]);
      expect([plane.canvas.width, plane.canvas.height]).toEqual([1 + side * pitch, 1 + side * pitch]);
      expect(plane.images).toHaveLength(side * side * 784);
      expect(plane.info).toContain('12×12 grid');

      // Every decoded cell differs from every other, and opposite corners clearly.
      const cell = (i: number): number[] => plane.images.slice(i * 784, (i + 1) * 784);
      const meanDiff = (a: number[], b: number[]): number => a.reduce((t, v, k) => t + Math.abs(v - b[k]!), 0) / a.length;
      let closest = Infinity;
      for (let i = 0; i < side * side; i++)
        for (let j = i + 1; j < side * side; j++) closest = Math.min(closest, meanDiff(cell(i), cell(j)));
      expect(closest).toBeGreaterThan(0);
      expect(meanDiff(cell(0), cell(side * side - 1))).toBeGreaterThan(0.02);

      // The downloaded model decodes the same latent points to the same images in Node.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(download.suggestedFilename()).toBe('vae-784-2-mnist.safetensors');
      const { model } = modelFromBytes(new Uint8Array(await readFile((await download.path())!)), 'vae-784-2-mnist.safetensors');
      expect(model.config.kind).toBe('vae');
      const axis = planeAxis(side);
      plane.axis.forEach((z, i) => expect(z).toBeCloseTo(axis[i]!, 6));
      const decoded = model.decode(matrix(planeCodes(axis, 2), side * side, 2)).data;
      let worst = 0;
      for (let i = 0; i < decoded.length; i++) worst = Math.max(worst, Math.abs(decoded[i]! - plane.images[i]!));
      expect(worst).toBeLessThan(1e-4);
      // And the canvas shows them where the layout says: cell (r, c) at (1 + 29c, 1 + 29r).
      let worstPixel = 0;
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
          for (let y = 0; y < 28; y++) {
            for (let x = 0; x < 28; x++) {
              const expected = Math.round(Math.min(1, Math.max(0, decoded[(r * side + c) * 784 + y * 28 + x]!)) * 255);
              const drawn = plane.canvas.gray[(1 + r * pitch + y) * plane.canvas.width + 1 + c * pitch + x]!;
              worstPixel = Math.max(worstPixel, Math.abs(drawn - expected));
            }
          }
        }
      }
      expect(worstPixel).toBeLessThanOrEqual(1);
    } finally {
      await page.close();
    }
  });

  it('re-flags the shown samples with the chosen threshold rule, as the library rule does, without retraining', async () => {
    const page = await openPage();
    try {
      await useDigits(page, 600);
      await setField(page, 'epochs', '2');
      await setField(page, 'hidden', '64');
      await setField(page, 'validation', '20');
      await trainAndWait(page);
      const expectFlagsOf = async (rule: ThresholdRule): Promise<AnomalySnapshot> => {
        const view = await anomalySnapshot(page);
        const threshold = computeThreshold(rule, view.trainScores);
        const flagged = view.scores.filter((s) => s > threshold).length;
        expect(view.threshold).toBeCloseTo(threshold, 6);
        expect(view.flagged).toBe(flagged);
        expect(view.summary.startsWith(`${flagged} of 120 shown samples score above the threshold`)).toBe(true);
        expect(view.topFlagged).toBe(view.topScores.filter((s) => s > threshold).length);
        return view;
      };

      const initial = await expectFlagsOf({ kind: 'contamination', fraction: 0.05 });
      expect(initial.summary).toContain('the 95th percentile (contamination 0.05) of');
      expect(initial.trainScores).toHaveLength(480);

      await setField(page, 'threshold-rule', 'std');
      expect(await page.inputValue('#threshold-param')).toBe('3');
      await setField(page, 'threshold-param', '0.5');
      const std = await expectFlagsOf({ kind: 'std', k: 0.5 });
      expect(std.flagged).not.toBe(initial.flagged);
      expect(std.thresholdX).not.toBe(initial.thresholdX);
      expect(std.summary).toContain('mean + 0.5·std of 480 training rows');

      await setField(page, 'threshold-rule', 'percentile');
      await setField(page, 'threshold-param', '50');
      const median = await expectFlagsOf({ kind: 'percentile', percentile: 50 });
      expect(median.flagged).toBeGreaterThan(std.flagged);
      expect(median.topFlagged).toBe(5);

      await setField(page, 'threshold-rule', 'mad');
      await expectFlagsOf({ kind: 'mad', k: 3.5 });
      await setField(page, 'threshold-rule', 'max');
      expect(await page.isDisabled('#threshold-param')).toBe(true);
      const max = await expectFlagsOf({ kind: 'max' });

      // A parameter the rule refuses: the library's message, and the last good rule stays drawn.
      await setField(page, 'threshold-rule', 'contamination');
      await setField(page, 'threshold-param', '0.9');
      await page.waitForSelector('#threshold-error:not([hidden])');
      expect(await page.textContent('#threshold-error')).toContain('expected share: 0.9 is outside (0, 0.5]');
      await expectFlagsOf({ kind: 'contamination', fraction: 0.05 });
      await setField(page, 'threshold-param', '0.2');
      expect(await page.isHidden('#threshold-error')).toBe(true);
      await expectFlagsOf({ kind: 'contamination', fraction: 0.2 });

      // The scores never changed: the rule works on the ones the worker sent.
      expect((await anomalySnapshot(page)).scores).toEqual(max.scores);
      expect(await page.evaluate(() => (window as { latentPlayground?: { runsEnded: number } }).latentPlayground?.runsEnded)).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('runs on one thread when the page is not cross-origin isolated, and says so', async () => {
    const plain = await serveStatic(outDir, { port: 0, isolated: false });
    const page = await openPage(plain.url);
    try {
      const status = await page.textContent('#backend-status');
      expect(status).toContain('backend wasm · 1 thread ·');
      expect(status).toContain('cross-origin isolated: no');
    } finally {
      await page.close();
      await plain.close();
    }
  });

  it('stops after the current epoch and keeps the model', async () => {
    const page = await openPage();
    try {
      await useDigits(page, 2000);
      await setField(page, 'epochs', '500');
      await setField(page, 'hidden', '256');
      await page.click('#train');
      await page.waitForFunction(() => document.querySelectorAll('#loss-rows tr').length >= 1);
      await page.click('#stop');
      await page.waitForFunction(() => (window as { latentPlayground?: { phase: string } }).latentPlayground?.phase === 'done');
      const epochs = await page.$$eval('#loss-rows tr', (trs) => trs.length);
      expect(epochs).toBeGreaterThanOrEqual(1);
      expect(epochs).toBeLessThan(500);
      expect(await page.textContent('#progress-text')).toContain('stopped early; the model is kept');
      // The epoch a Stop ends is scored, so the anomaly view is of the model that is kept.
      expect((await anomalySnapshot(page)).epoch).toBe(epochs);
      expect(await page.isEnabled('#download')).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('names the row and column of a bad CSV cell, and refuses a file that is not a model', async () => {
    const page = await openPage();
    try {
      await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n4,oops,6\n') });
      await page.waitForSelector('#data-error:not([hidden])');
      const message = await page.textContent('#data-error');
      expect(message).toContain('bad.csv: row 3, column "b" (index 1): non-numeric value "oops"');
      expect(message).toContain('Hint: fix the cell, or remove columns that are not numbers from the file');

      await page.setInputFiles('#model-file', {
        name: 'notes.safetensors',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('not a model at all'),
      });
      await page.waitForSelector('#model-error:not([hidden])');
      expect(await page.textContent('#model-error')).toContain('notes.safetensors');
    } finally {
      await page.close();
    }
  });
});
