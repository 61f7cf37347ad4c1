/**
 * The HTML training report in Chromium: every section shows, nothing is fetched from the network,
 * the charts and images render, the dark scheme and print styles apply, and at phone width the
 * page does not scroll sideways (wide charts scroll inside their figure instead).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/test-utils/capture.js';
import { browserUnavailable, launchChromium } from './harness.js';

const CARDIO = resolve(process.cwd(), '../shared/data/adbench/6_cardio.npz');
const SECTIONS = ['Training', 'Reconstructions', 'Latent space', 'Reconstruction error and anomalies', 'PCA baseline', 'Settings'];
const unavailable = browserUnavailable();

describe.skipIf(unavailable !== undefined)('training report in Chromium', () => {
  let dir: string;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-report-page-'));
    const report = join(dir, 'report.html');
    const run = await runCli(
      'train',
      CARDIO,
      '-o',
      join(dir, 'm.safetensors'),
      '--epochs',
      '4',
      '--threshold-rule',
      'contamination:0.1',
      '--report',
      report,
      '--quiet',
      '--backend',
      'js',
    );
    expect(run.code).toBe(0);
    url = pathToFileURL(report).href;
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
    const sizes = await page.$$eval('figure svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect().width));
    expect(sizes.length).toBeGreaterThanOrEqual(8);
    for (const width of sizes) expect(width).toBeGreaterThan(200);
    expect(await page.$$eval('figure svg[aria-label]', (svgs) => svgs.length)).toBe(sizes.length);
    expect(await page.$$eval('#section-4 .histogram line.threshold', (lines) => lines.length)).toBe(1);
    expect(fetched).toEqual([]);
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

  it('fits a phone: the page never scrolls sideways and chart text stays readable', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      charts: Array.from(document.querySelectorAll('figure svg')).map(
        (svg) => svg.getBoundingClientRect().width / Number(svg.getAttribute('width')),
      ),
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    // Charts are drawn with 12 px text; at no less than 0.8 of their size it stays above 9.5 px.
    for (const scale of layout.charts) expect(scale).toBeGreaterThanOrEqual(0.8);
    await page.close();
  });
});

/** Relative luminance (0 black … 1 white) of a CSS rgb() colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}
