/**
 * The browser playground, built with `buildWeb` and served by its own static server with the
 * isolation headers, driven in headless Chromium: training the built-in digits updates every
 * view, the worker reports the backend and its threads, the downloaded model decodes in Node and
 * encodes as the page did, Stop keeps the model, and bad files get messages naming what is wrong.
 * The Node-side pieces (digits asset, server errors) are checked without a browser.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/node-mnist.js';
import { isLatentError, matrix, modelFromBytes, takeRows } from '../../src/index.js';
import { buildWeb } from '../../scripts/web-build.js';
import { serveStatic, type StaticServer } from '../../scripts/web-server.js';
import { decodeMnistAsset, type DigitSample } from '../../web/src/mnist-asset.js';
import { csvDataset, MNIST_ASSET } from '../../web/src/data.js';
import { planTraining } from '../../web/src/model-factory.js';
import { DEFAULT_FORM, parseSettings } from '../../web/src/settings.js';
import { splitRows } from '../../web/src/split.js';
import { binCounts } from '../../web/src/views/histogram.js';
import { scatterSvg } from '../../web/src/views/scatter.js';
import { browserUnavailable, launchChromium } from './harness.js';
import { setField, trainAndWait, type PageSnapshot } from './pages/playground-driver.js';

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
      await setField(page, 'count', '600');
      await page.waitForFunction(() => document.querySelector('#data-info')?.textContent?.includes('600 samples') === true);
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

      await page.screenshot({ path: '/tmp/latent-playground.png', fullPage: true });

      // The downloaded model decodes in Node and encodes the shown samples as the page did.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(download.suggestedFilename()).toBe('latent-model.safetensors');
      const bytes = new Uint8Array(await readFile((await download.path())!));
      const { model, training } = modelFromBytes(bytes, 'latent-model.safetensors');
      expect(model.latentDim).toBe(8);
      expect(training?.epochs).toBe(2);
      const shown = takeRows(matrix(digits.pixels, digits.count, 784), state.rows);
      const codes = model.encode(shown).data;
      expect(codes.length).toBe(state.codes.length);
      let worst = 0;
      for (let i = 0; i < codes.length; i++) worst = Math.max(worst, Math.abs(codes[i]! - state.codes[i]!));
      expect(worst).toBeLessThan(1e-4);

      // Opening that file shows its stored loss curve and its views.
      await page.setInputFiles('#model-file', {
        name: 'latent-model.safetensors',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(bytes),
      });
      await page.waitForFunction(
        () => document.querySelector('#model-info')?.textContent?.startsWith('opened latent-model.safetensors') === true,
      );
      expect(await page.$$eval('#loss-rows tr', (trs) => trs.length)).toBe(2);
      expect(await page.$$eval('#scatter circle.point', (dots) => dots.length)).toBe(600);
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
      await setField(page, 'count', '2000');
      await page.waitForFunction(() => document.querySelector('#data-info')?.textContent?.includes('2000 samples') === true);
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
