/**
 * The HTML training report in Chromium: every section shows, nothing is fetched from the network,
 * the charts and images render, the dark scheme and print styles apply, an axe-core audit finds
 * no serious or critical violations, and at phone width the page re-lays out instead of scrolling
 * sideways: charts switch to their phone layout (text at 11 pixels or more, none of it cut off),
 * side-by-side figures stack, tables scroll only inside themselves, and image rows keep their
 * names as readable text beside the shrunken picture.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/test-utils/capture.js';
import { browserUnavailable, launchChromium } from './harness.js';
import { axeViolations, type AxeViolation } from './pages/playground-driver.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');
const SECTIONS = ['Training', 'Reconstructions', 'Latent space', 'Reconstruction error and anomalies', 'PCA baseline', 'Settings'];
const unavailable = browserUnavailable();
const PHONE = { width: 390, height: 844 };

const serious = (violations: AxeViolation[]): AxeViolation[] => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** Writes a report with `latent train DATA ... --report` into `dir`; its file URL. */
async function trainReport(dir: string, data: string, ...options: string[]): Promise<string> {
  const report = join(dir, 'report.html');
  const run = await runCli('train', data, '-o', join(dir, 'm.safetensors'), '--report', report, '--quiet', '--backend', 'js', ...options);
  expect(run.code, run.stderr).toBe(0);
  return pathToFileURL(report).href;
}

describe.skipIf(unavailable !== undefined)('training report in Chromium', () => {
  let dir: string;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-report-page-'));
    url = await trainReport(dir, CARDIO, '--epochs', '4', '--threshold-rule', 'contamination:0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every section with rendered charts and fetches nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const fetched: string[] = [];
    page.on('request', (request) => {
      if (!/^(file|data):/.test(request.url())) fetched.push(request.url());
    });
    await page.goto(url);
    expect(await page.$$eval('section h2', (hs) => hs.map((h) => h.textContent))).toEqual(SECTIONS);
    expect(await page.$$eval('nav.toc a', (links) => links.length)).toBe(SECTIONS.length);
    const shown = await visibleCharts(page);
    expect(shown.length).toBeGreaterThanOrEqual(8);
    for (const chart of shown) expect(chart.width).toBeGreaterThan(200);
    // On a desktop every chart is in its desktop layout, its text at 11 pixels or more.
    expect(shown.filter((chart) => chart.layout === 'narrow')).toEqual([]);
    for (const chart of shown) expect(chart.smallestText, chart.title).toBeGreaterThanOrEqual(11);
    expect(await page.$$eval('figure svg[aria-label]', (svgs) => svgs.length)).toBe(await page.$$eval('figure svg', (svgs) => svgs.length));
    expect(await page.$$eval('#section-4 .layout-wide .histogram line.threshold', (lines) => lines.length)).toBe(1);
    expect(fetched).toEqual([]);
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.close();
  });

  it('follows the dark colour scheme, and hides the section links on paper', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    await page.goto(url);
    const colours = await page.evaluate(() => ({
      page: getComputedStyle(document.body).backgroundColor,
      chartText: getComputedStyle(document.querySelector('figure svg')!).color,
    }));
    expect(luminance(colours.page)).toBeLessThan(0.1);
    expect(luminance(colours.chartText)).toBeGreaterThan(0.7);
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    expect(await page.$eval('nav.toc', (nav) => getComputedStyle(nav).display)).toBe('none');
    expect(luminance(await page.evaluate(() => getComputedStyle(document.body).backgroundColor))).toBeGreaterThan(0.9);
    await page.close();
  });

  it('re-lays out on a phone: phone-layout charts with readable text, stacked figures, tables scrolling in place', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(url);
    await expectFitsPhone(page);
    // Wide charts gave way to their phone layout.
    const shown = await visibleCharts(page);
    expect(shown.filter((chart) => chart.layout === 'narrow').length).toBeGreaterThanOrEqual(8);
    expect(shown.filter((chart) => chart.layout === 'wide')).toEqual([]);
    // Figures that sit side by side on a desktop (ROC beside precision–recall) stack.
    const lefts = await page.$$eval('#section-4 .figures > figure', (figures) =>
      figures.map((f) => Math.round(f.getBoundingClientRect().left)),
    );
    expect(lefts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(lefts).size).toBe(1);
    // The top-rows table is wider than the phone: it scrolls inside its box, which the keyboard can reach.
    const tables = await page.$$eval('.table-wrap', (wraps) =>
      wraps.map((w) => ({
        scrolls: w.scrollWidth > w.clientWidth,
        right: w.getBoundingClientRect().right,
        tabIndex: (w as HTMLElement).tabIndex,
      })),
    );
    for (const table of tables) {
      expect(table.right).toBeLessThanOrEqual(PHONE.width);
      expect(table.tabIndex).toBe(0);
    }
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.close();
  });
});

describe.skipIf(unavailable !== undefined)('image report in Chromium', () => {
  let dir: string;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-image-report-page-'));
    url = await trainReport(dir, 'mnist:test', '--model', 'vae', '--latent', '2', '--hidden', '64', '--epochs', '1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const viewport of [{ width: 1280, height: 900 }, PHONE]) {
    it(`shows image rows with their names as text on their rows, and the latent plane, at ${viewport.width} pixels`, async () => {
      const page = await browser.newPage({ viewport });
      await page.goto(url);
      expect(await page.$$eval('section h2', (hs) => hs.map((h) => h.textContent))).toEqual(SECTIONS);
      const figures = await page.$$eval('.image-rows', (all) =>
        all.map((figure) => {
          const image = figure.querySelector('img')!;
          const box = image.getBoundingClientRect();
          return {
            alt: image.alt,
            image: { top: box.top, height: box.height, natural: image.naturalHeight, width: box.width },
            labels: Array.from(figure.querySelectorAll('.row-label'), (label) => {
              const b = label.getBoundingClientRect();
              return {
                text: label.textContent,
                centre: b.top + b.height / 2,
                px: parseFloat(getComputedStyle(label).fontSize),
                right: b.right,
              };
            }),
          };
        }),
      );
      // Reconstructions, the top-scoring rows, and the PCA baseline.
      expect(figures.map((f) => f.labels.map((l) => l.text))).toEqual([
        ['original', 'reconstructed'],
        ['sample', 'reconstructed'],
        ['original', 'model', 'PCA'],
      ]);
      for (const figure of figures) {
        expect(figure.alt).toContain(`rows from top: ${figure.labels.map((l) => l.text).join(', ')}.`);
        expect(figure.image.width).toBeGreaterThan(150);
        // Rows of 28-pixel digits at scale s with 3-pixel gaps: row i is centred at 3 + i·(28s + 3) + 14s.
        const scale = (figure.image.natural - 3) / figure.labels.length - 3;
        const pitch = figure.image.height / figure.image.natural;
        figure.labels.forEach((label, i) => {
          const centre = figure.image.top + (3 + i * (scale + 3) + scale / 2) * pitch;
          expect(Math.abs(label.centre - centre), `${label.text} in ${figure.alt}`).toBeLessThan(2);
          expect(label.px).toBeGreaterThanOrEqual(12);
        });
      }
      expect(await page.$$eval('img[alt^="What the decoder makes of a 12×12 grid"]', (images) => images.length)).toBe(1);
      if (viewport.width === PHONE.width) await expectFitsPhone(page);
      expect(serious(await axeViolations(page))).toEqual([]);
      await page.close();
    });
  }
});

interface ShownChart {
  readonly title: string;
  readonly layout: 'wide' | 'narrow' | 'single';
  readonly width: number;
  /** Rendered size in CSS pixels of the chart's smallest text. */
  readonly smallestText: number;
  /** Texts that reach outside the chart's box (cut off where the SVG clips). */
  readonly outside: string[];
}

/** The charts a reader sees now (hidden layouts left out), with their text sizes and overflows. */
async function visibleCharts(page: Page): Promise<ShownChart[]> {
  return page.$$eval('figure svg', (svgs) =>
    svgs
      .filter((svg) => svg.getBoundingClientRect().width > 0)
      .map((svg) => {
        const box = svg.getBoundingClientRect();
        const scale = box.width / (svg as SVGSVGElement).viewBox.baseVal.width;
        const parent = svg.parentElement!;
        const layout = parent.classList.contains('layout-narrow') ? 'narrow' : parent.classList.contains('layout-wide') ? 'wide' : 'single';
        let smallestText = Infinity;
        const outside: string[] = [];
        for (const text of Array.from(svg.querySelectorAll('text'))) {
          if (text.textContent === '') continue;
          smallestText = Math.min(smallestText, parseFloat(getComputedStyle(text).fontSize) * scale);
          const t = text.getBoundingClientRect();
          if (t.left < box.left - 1 || t.right > box.right + 1 || t.top < box.top - 1 || t.bottom > box.bottom + 1) {
            outside.push(text.textContent ?? '');
          }
        }
        return { title: svg.getAttribute('aria-label') ?? '', layout, width: box.width, smallestText, outside };
      }),
  );
}

/** At phone width: no sideways page scroll, chart text at 11 pixels or more, none of it cut off. */
async function expectFitsPhone(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  for (const chart of await visibleCharts(page)) {
    expect(chart.smallestText, chart.title).toBeGreaterThanOrEqual(11);
    expect(chart.outside, `${chart.title}: ${chart.outside.join(' | ')}`).toEqual([]);
  }
}

/** Relative luminance (0 black … 1 white) of a CSS rgb() colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}
