/**
 * The playground as people without a mouse, with a screen reader or on a phone meet it, in
 * headless Chromium: an axe-core audit finds no serious or critical violations (before training,
 * with every view drawn, with errors shown, at phone width); the main path (load data, train,
 * stop, download, open) works from the keyboard alone with focus where the next step is; a
 * downloaded model reopens in a fresh page with the same held-out rows, scores, flagged count and
 * settings; on a phone the results are in view after Train and chart text stays readable. The
 * page-side pieces (download names, settings from a model file, playground wording of library
 * errors) are checked without a browser.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  DenseAutoencoder,
  denseConfig,
  modelFromBytes,
  modelToBytes,
  parseThresholdRule,
  TrainingDivergedError,
  VariationalAutoencoder,
  vaeConfig,
  type History,
} from '../../src/index.js';
import { formatNumber } from '../../src/report/index.js';
import { caughtLatentError } from '../../src/test-utils/errors.js';
import { buildWeb } from '../../scripts/web-build.js';
import { serveStatic, type StaticServer } from '../../scripts/web-server.js';
import { modelFileName } from '../../web/src/file-name.js';
import { formFromModel } from '../../web/src/model-settings.js';
import { CLI_WORDING, pageError } from '../../web/src/page-errors.js';
import { SettingError, DEFAULT_FORM, parseSettings } from '../../web/src/settings.js';
import { splitForModel, splitRows } from '../../web/src/split.js';
import { browserUnavailable, launchChromium } from './harness.js';
import {
  anomalySnapshot,
  axeViolations,
  focused,
  inViewport,
  pageState,
  planeSnapshot,
  setField,
  smallestChartText,
  tabTo,
  trainAndWait,
  useDigits,
  type AxeViolation,
} from './pages/playground-driver.js';

const unavailable = browserUnavailable();
if (unavailable && process.env['CI']) throw new Error(`browser tests cannot run in CI: ${unavailable}`);

describe('playground pieces for reopening and wording', () => {
  it('names downloads after family, sizes and data', () => {
    expect(modelFileName('dense', 784, 8, 'built-in digits (600 of 5000)')).toBe('dense-784-8-mnist.safetensors');
    expect(modelFileName('vae', 12, 2, 'Sensor Readings (June).csv')).toBe('vae-12-2-sensor-readings-june.safetensors');
    expect(modelFileName('conv', 784, 16, '../../etc/passwd')).toBe('conv-784-16-etc-passwd.safetensors');
    expect(modelFileName('dense', 3, 1, '')).toBe('dense-3-1.safetensors');
  });

  it('fills the form from a playground model, and from the config alone for other files', () => {
    const vae = new VariationalAutoencoder(vaeConfig({ inputDim: 16, hidden: [12, 6], latentDim: 3, seed: 1, likelihood: 'bernoulli' }));
    const settings = { ...parseSettings(DEFAULT_FORM), family: 'vae', latentDim: 3, hidden: [12, 6], epochs: 7, learningRate: 0.002 };
    const summary = {
      epochs: 4,
      loss: 'elbo',
      finalLoss: 1,
      finalValLoss: null,
      samples: 600,
      seconds: 1,
      backend: 'js',
      options: settings,
    };
    expect(formFromModel(vae.config, summary)).toEqual({
      family: 'vae',
      latent: '3',
      hidden: '12, 6',
      epochs: '7',
      lr: '0.002',
      batch: '64',
      seed: '42',
      validation: '10',
      noise: 'none',
      loss: 'auto',
    });
    const dense = new DenseAutoencoder(denseConfig({ inputDim: 4, hidden: [3], latentDim: 2, outputActivation: 'sigmoid', seed: 1 }));
    expect(formFromModel(dense.config, null)).toEqual({ family: 'dense', latent: '2', hidden: '3' });
    // Values of the wrong type (the summary is JSON from a file) are left out.
    expect(formFromModel(dense.config, { ...summary, options: { seed: 'x', batchSize: -2, noise: 'rain:9' } })).toEqual({
      family: 'dense',
      latent: '2',
      hidden: '3',
      epochs: '4',
    });
  });

  it('names the rows of a stored split, the first rows without one, and refuses a split of other data', () => {
    const stored = splitForModel(600, { fraction: 0.2, seed: 7, rows: 600 });
    expect('mismatch' in stored).toBe(false);
    expect(stored).toEqual(splitRows(600, 0.2, 7));
    const none = splitForModel(50, null);
    expect('shown' in none && none.shown).toBe('first');
    expect('shownRows' in none && none.shownRows.length).toBe(50);
    const other = splitForModel(3000, { fraction: 0.2, seed: 7, rows: 600 });
    expect('mismatch' in other && other.mismatch).toContain('held out 20% of 600 rows, and the current data has 3000');
  });

  it('words library errors for the page: no commands, option flags or rule syntax', () => {
    const cases = [
      [caughtLatentError(() => decodeSafetensors(new TextEncoder().encode('a,b,c\n1,2,3\n4,5,6\n'), 'data.csv')), 'open'],
      [caughtLatentError(() => modelFromBytes(plainSafetensors(), 'weights.safetensors')), 'open'],
      [caughtLatentError(() => parseThresholdRule('percentile:101')), 'threshold'],
      [new TrainingDivergedError(2, 5, Number.NaN, emptyHistory()), 'train'],
    ] as const;
    for (const [error, context] of cases) {
      expect(CLI_WORDING.test(`${error.message}\n${error.hint ?? ''}`)).toBe(true);
      const worded = pageError(error, context);
      expect(worded.message).toBe(error.message);
      expect(worded.hint).not.toMatch(CLI_WORDING);
      expect(worded.hint).not.toBeNull();
    }
    expect(pageError(cases[0][0], 'open').hint).toContain('load it under Data as a CSV file');
    expect(pageError(cases[3][0], 'train').hint).toContain('lower the learning rate');
    // Hints already in the page's words pass through.
    const setting = caughtLatentError(() => parseSettings({ ...DEFAULT_FORM, epochs: '0' }));
    expect(setting).toBeInstanceOf(SettingError);
    expect((setting as SettingError).field).toBe('epochs');
    expect(pageError(setting, 'train')).toEqual({ message: setting.message, hint: setting.hint });
  });
});

/** A safetensors file that is not a latent model (no format entry in its metadata). */
function plainSafetensors(): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ __metadata__: { note: 'x' } }));
  const out = new Uint8Array(8 + header.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  return out;
}

function emptyHistory(): History {
  return { epochs: [], loss: 'bce', bestEpoch: null, stoppedEarly: false, stopReason: 'epochs' };
}

describe.skipIf(unavailable !== undefined)('playground in Chromium: keyboard, screen reader, reopening, phone', () => {
  let browser: Browser;
  let server: StaticServer;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'latent-playground-access-'));
    await buildWeb(outDir);
    [browser, server] = await Promise.all([launchChromium(), serveStatic(outDir, { port: 0 })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  async function openPage(viewport = { width: 1400, height: 1000 }): Promise<Page> {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#data-info')?.textContent?.includes('samples') === true);
    await page.waitForFunction(() => !(document.querySelector('#train') as HTMLButtonElement).disabled);
    return page;
  }

  const serious = (violations: AxeViolation[]): AxeViolation[] =>
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

  it('passes an axe-core audit with no serious or critical violations, before and after training and with errors shown', async () => {
    const page = await openPage();
    try {
      expect(serious(await axeViolations(page))).toEqual([]);
      await useDigits(page, 600);
      await setField(page, 'family', 'vae');
      await setField(page, 'latent', '2');
      // Enough epochs that the loss table scrolls (a scrolling region must be reachable by keyboard).
      await setField(page, 'epochs', '12');
      await setField(page, 'hidden', '64');
      await trainAndWait(page);
      expect(await page.$eval('.table-scroll', (table) => table.scrollHeight > table.clientHeight)).toBe(true);
      expect(serious(await axeViolations(page))).toEqual([]);
      // Every canvas says what it shows.
      const canvases = await page.$$eval('canvas', (all) =>
        all.map((c) => ({ id: c.id, role: c.getAttribute('role'), label: c.getAttribute('aria-label') ?? '' })),
      );
      for (const canvas of canvases) {
        // The latent plane takes the arrow keys (an application region); every other canvas is a picture.
        expect(canvas.role).toBe(canvas.id === 'latent-plane' ? 'application' : 'img');
        expect(canvas.label.length).toBeGreaterThan(20);
      }
      expect(canvases.find((c) => c.id === 'reconstructions')?.label).toMatch(/10 held-out samples as 28×28 images in four rows/);
      expect(canvases.find((c) => c.id === 'latent-plane')?.label).toContain('12×12 grid of latent points');
      // Errors shown: a bad setting, a bad threshold parameter, a file that is not a model.
      await setField(page, 'epochs', '0');
      await page.click('#train');
      await page.waitForSelector('#train-error:not([hidden])');
      await setField(page, 'threshold-param', '0.9');
      await page.waitForSelector('#threshold-error:not([hidden])');
      await page.setInputFiles('#model-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a,b\n1,2\n') });
      await page.waitForSelector('#model-error:not([hidden])');
      expect(serious(await axeViolations(page))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('clears an error once its field is fixed, and words errors for the page', async () => {
    const page = await openPage();
    try {
      await setField(page, 'batch', '0');
      await page.click('#train');
      await page.waitForSelector('#train-error:not([hidden])');
      expect(await page.textContent('#train-error')).toContain('batch size: "0" is not a whole number from 1 to 4096');
      // The field is marked and has the focus.
      expect(await page.getAttribute('[name="batch"]', 'aria-invalid')).toBe('true');
      expect(await focused(page)).toBe('input');
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('batch');
      // Another field still wrong replaces the message; fixing every field clears it and the mark.
      await setField(page, 'batch', '32');
      await setField(page, 'lr', 'fast');
      await page.click('#train');
      await page.waitForFunction(() => document.querySelector('#train-error')?.textContent?.includes('learning rate') === true);
      expect(await page.getAttribute('[name="batch"]', 'aria-invalid')).toBeNull();
      await page.fill('[name="lr"]', '0.001');
      await page.waitForSelector('#train-error', { state: 'hidden' });
      expect(await page.getAttribute('[name="lr"]', 'aria-invalid')).toBeNull();

      // A threshold parameter: the control's name and range, not the command line's rule syntax.
      await setField(page, 'threshold-param', '0.9');
      await page.waitForSelector('#threshold-error:not([hidden])');
      const threshold = await page.textContent('#threshold-error');
      expect(threshold).toContain('expected share: 0.9 is outside (0, 0.5]');
      expect(threshold).not.toMatch(CLI_WORDING);
      await setField(page, 'threshold-param', '0.1');
      expect(await page.isHidden('#threshold-error')).toBe(true);

      // A data file offered as a model: no "latent train" or "DATA argument" in the hint.
      await page.setInputFiles('#model-file', { name: 'table.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n') });
      await page.waitForSelector('#model-error:not([hidden])');
      const opened = await page.textContent('#model-error');
      expect(opened).toContain('table.csv is a text file');
      expect(opened).toContain('load it under Data as a CSV file');
      expect(opened).not.toMatch(CLI_WORDING);
    } finally {
      await page.close();
    }
  });

  it('runs the main path from the keyboard alone: load data, train, stop, download, open', async () => {
    const page = await openPage();
    // Playwright intercepts file choosers once a listener exists; switching that on takes a
    // round trip, so it is done here rather than racing the Enter that opens the chooser.
    page.on('filechooser', () => undefined);
    try {
      // Load data: the digit count, typed.
      await tabTo(page, '#count');
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('600');
      await page.keyboard.press('Tab');
      await page.waitForFunction(() => document.querySelector('#data-info')?.textContent?.includes('600 samples') === true);
      for (const [name, value] of [
        ['hidden', '64'],
        ['epochs', '300'],
      ] as const) {
        await tabTo(page, `[name="${name}"]`);
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.type(value);
      }

      // Train: Enter on the button; focus moves to Stop, and the status region says what started.
      await tabTo(page, '#train');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'stop');
      expect(await page.textContent('#run-status')).toMatch(/^Training (started|a dense model)/);
      expect(await page.getAttribute('#run-status', 'aria-live')).toBe('polite');

      // Stop: Enter again, after the first epoch; focus comes back to Train when the run ends.
      await page.waitForFunction(() => document.querySelectorAll('#loss-rows tr').length >= 1);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (window as { latentPlayground?: { phase: string } }).latentPlayground?.phase === 'done');
      expect(await focused(page)).toBe('#train');
      expect(await page.textContent('#run-status')).toMatch(/^Stopped after \d+ epochs?/);
      const before = await pageState(page);

      // Download: named after the family, sizes and data.
      await tabTo(page, '#download');
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.suggestedFilename()).toBe('dense-784-8-mnist.safetensors');
      const path = (await download.path())!;

      // Open: the button is a real button in the tab order and in the accessibility tree.
      expect(await page.getByRole('button', { name: 'Open model…' }).count()).toBe(1);
      expect(await page.getByLabel('CSV file to train on').count()).toBe(1);
      await tabTo(page, '#open-model');
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
      await chooser.setFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: await readFile(path) });
      await page.waitForFunction(() => document.querySelector('#model-info')?.textContent?.startsWith('opened dense-784-8-mnist') === true);
      await page.waitForFunction(() => (window as { latentPlayground?: { views: unknown } }).latentPlayground?.views !== null);
      expect((await pageState(page)).rows).toEqual(before.rows);
    } finally {
      await page.close();
    }
  });

  it('reopens a downloaded model in a fresh page with the same held-out rows, scores, flags and settings', async () => {
    const page = await openPage();
    let bytes: Uint8Array;
    try {
      await useDigits(page, 600);
      // A variational model: its views must come from the mean code, during training as after reopening.
      const settings = {
        family: 'vae',
        latent: '4',
        hidden: '64',
        epochs: '2',
        batch: '32',
        lr: '0.002',
        seed: '7',
        validation: '20',
        noise: 'mask:0.3',
      };
      for (const [name, value] of Object.entries(settings)) await setField(page, name, value);
      await trainAndWait(page);
      const before = { state: await pageState(page), anomalies: await anomalySnapshot(page) };
      expect(before.state.shown).toBe(120);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      bytes = new Uint8Array(await readFile((await download.path())!));
      await page.close();

      // A fresh page starts with 3000 digits and the default form; opening the file loads the
      // 600 digits the model trained on and shows its held-out rows again.
      const fresh = await openPage();
      try {
        expect(await fresh.inputValue('#count')).toBe('3000');
        await fresh.setInputFiles('#model-file', {
          name: download.suggestedFilename(),
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(bytes),
        });
        await fresh.waitForFunction(() => {
          const state = (window as { latentPlayground?: { views: { rows: Uint32Array } | null } }).latentPlayground;
          return state?.views != null && state.views.rows.length === 120;
        });
        const after = { state: await pageState(fresh), anomalies: await anomalySnapshot(fresh) };
        expect(after.state.rows).toEqual(before.state.rows);
        expect(after.anomalies.scores).toEqual(before.anomalies.scores);
        expect(after.anomalies.trainScores).toEqual(before.anomalies.trainScores);
        expect(after.anomalies.threshold).toBe(before.anomalies.threshold);
        expect(after.anomalies.flagged).toBe(before.anomalies.flagged);
        expect(after.anomalies.summary.split('\n')[0]).toBe(before.anomalies.summary.split('\n')[0]);
        expect(await fresh.inputValue('#count')).toBe('600');
        for (const [name, value] of Object.entries(settings)) expect(await fresh.inputValue(`[name="${name}"]`)).toBe(value);
        expect(await fresh.textContent('#scatter-info')).toMatch(/^120 held-out samples/);

        // Other data cannot name the model's held-out rows: the page says so instead of guessing;
        // the data it trained on brings the same views back.
        await useDigits(fresh, 700);
        await fresh.waitForFunction(() => document.querySelector('#model-info')?.textContent?.includes('current data has 700') === true);
        expect(await fresh.textContent('#model-info')).toContain('the model held out 20% of 600 rows, and the current data has 700');
        expect(await fresh.$$eval('#scatter circle.point', (dots) => dots.length)).toBe(0);
        await useDigits(fresh, 600);
        await fresh.waitForFunction(() => document.querySelectorAll('#scatter circle.point').length === 120);
        expect((await anomalySnapshot(fresh)).flagged).toBe(before.anomalies.flagged);

        // A file from before the split was stored: still opens; the views say which rows they show.
        const { model, training } = modelFromBytes(bytes, 'old.safetensors');
        await fresh.setInputFiles('#model-file', {
          name: 'old.safetensors',
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(modelToBytes(model, training ?? undefined)),
        });
        await fresh.waitForFunction(
          () => document.querySelector('#model-info')?.textContent?.startsWith('opened old.safetensors') === true,
        );
        expect(await fresh.textContent('#model-info')).toContain('the file does not record which rows the model trained on');
        expect(await fresh.textContent('#scatter-info')).toMatch(/^600 first samples of the data/);
      } finally {
        await fresh.close();
      }
    } finally {
      if (!page.isClosed()) await page.close();
    }
  });

  it('reads the latent plane out from the keyboard: arrow keys move a cursor, a live region says its point', async () => {
    const page = await openPage();
    try {
      await useDigits(page, 600);
      for (const [name, value] of Object.entries({ family: 'vae', latent: '3', epochs: '1', hidden: '64' })) {
        await setField(page, name, value);
      }
      await trainAndWait(page);
      const plane = await planeSnapshot(page);
      expect(plane.kind).toBe('grid');
      const n = plane.axis.length;
      const z = (i: number): string => formatNumber(plane.axis[i]!, 3);
      expect(await page.getAttribute('#plane-point', 'aria-live')).toBe('polite');
      expect(await page.getAttribute('#latent-plane', 'aria-label')).toContain('Arrow keys move across the cells');

      // Tab reaches the plane; focus puts the cursor on the middle cell and reads its point.
      await page.focus('#threshold-param');
      await tabTo(page, '#latent-plane', 20);
      const middle = Math.floor((n - 1) / 2);
      expect(await page.textContent('#plane-point')).toBe(
        `z₁ = ${z(middle)}, z₂ = ${z(n - 1 - middle)}, others 0 (column ${middle + 1} of ${n}, row ${middle + 1} of ${n} from the top)`,
      );
      const scrolled = await page.evaluate(() => window.scrollY);

      // Right, up, then the end of the row: each key moves the cursor one step and reads the new point.
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowUp');
      expect(await page.textContent('#plane-point')).toContain(`z₁ = ${z(middle + 1)}, z₂ = ${z(n - middle)}`);
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowRight');
      expect(await page.textContent('#plane-point')).toContain(`(column ${n} of ${n}, row ${middle} of ${n} from the top)`);
      for (let i = 0; i < n + 2; i++) await page.keyboard.press('ArrowDown');
      expect(await page.textContent('#plane-point')).toContain(`z₁ = ${z(n - 1)}, z₂ = ${z(0)}`);
      // The keys moved the cursor, not the page.
      expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);

      // The frame sits on the bottom-right cell of the canvas.
      const boxes = await page.evaluate(() => {
        const box = (id: string): DOMRect => document.getElementById(id)!.getBoundingClientRect();
        return { canvas: box('latent-plane').toJSON() as DOMRect, cursor: box('plane-cursor').toJSON() as DOMRect };
      });
      const cell = boxes.canvas.width / n;
      expect(boxes.cursor.width).toBeGreaterThan(cell * 0.8);
      // Within two CSS pixels of the canvas's bottom-right corner (one gap pixel, scaled, lies outside the cell).
      expect(Math.abs(boxes.cursor.right - boxes.canvas.right)).toBeLessThan(2);
      expect(Math.abs(boxes.cursor.bottom - boxes.canvas.bottom)).toBeLessThan(2);
      expect(await page.isVisible('#plane-cursor')).toBe(true);
      expect(serious(await axeViolations(page))).toEqual([]);

      // Leaving the plane hides the frame; the readout keeps the last point.
      await page.keyboard.press('Tab');
      expect(await page.isHidden('#plane-cursor')).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('on a phone, shows the results after Train and keeps chart text readable', async () => {
    const page = await openPage({ width: 390, height: 844 });
    try {
      await useDigits(page, 600);
      await setField(page, 'family', 'vae');
      await setField(page, 'latent', '2');
      await setField(page, 'epochs', '2');
      await setField(page, 'hidden', '64');
      // The Train button is at the bottom of the form, far below the first screen.
      await page.click('#train');
      await page.waitForFunction(() => document.activeElement?.id === 'stop');
      expect(await inViewport(page, '#run-status')).toBe(true);
      expect(await inViewport(page, '#progress')).toBe(true);
      await page.waitForFunction(
        () => (window as { latentPlayground?: { runsEnded: number } }).latentPlayground?.runsEnded === 1,
        undefined,
        {
          timeout: 45_000,
        },
      );
      expect(await inViewport(page, '#run-status')).toBe(true);
      expect(await inViewport(page, '#loss-chart svg')).toBe(true);
      expect(await page.textContent('#run-status')).toMatch(/^Finished after 2 epochs/);
      const smallest = await smallestChartText(page);
      expect(smallest.px, smallest.where).toBeGreaterThanOrEqual(11);
      // The image rows' names are text beside the shrunken canvas, each centred on its row of images.
      const rows = await page.$eval('#reconstructions-figure', (figure) => {
        const canvas = figure.querySelector('canvas')!.getBoundingClientRect();
        return {
          canvas: { top: canvas.top, height: canvas.height, width: canvas.width },
          labels: Array.from(figure.querySelectorAll('.row-label'), (label) => {
            const box = label.getBoundingClientRect();
            return { text: label.textContent, centre: box.top + box.height / 2, right: box.right };
          }),
        };
      });
      expect(rows.labels.map((l) => l.text)).toEqual(['original', 'reconstructed', 'noisy', 'denoised']);
      expect(rows.canvas.width).toBeGreaterThan(200);
      const pitch = rows.canvas.height / (3 + 4 * 59);
      rows.labels.forEach((label, i) => {
        const rowCentre = rows.canvas.top + (3 + i * 59 + 28) * pitch;
        expect(Math.abs(label.centre - rowCentre)).toBeLessThan(2);
      });
      // Nothing is wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(serious(await axeViolations(page))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
