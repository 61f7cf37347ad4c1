/**
 * `node --import tsx scripts/playground-screenshots.ts [OUT_DIR]`: the README's pictures of the
 * playground. Builds the site, serves it with the isolation headers, trains a variational model
 * on the built-in digits in headless Chromium (playwright-core driving the system's Chromium, as
 * the browser tests do), and saves the whole page at desktop width, and at phone width the first
 * screen after Train and the screen of reconstructions and anomaly scores (default docs/images/).
 * Writes replace earlier pictures atomically.
 */

import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/browser/harness.js';
import { setField, trainAndWait, useDigits } from '../test/browser/pages/playground-driver.js';
import { buildWeb, ROOT } from './web-build.js';
import { serveStatic } from './web-server.js';

const outDir = process.argv[2] ?? join(ROOT, 'docs', 'images');
const SETTINGS = { family: 'vae', latent: '2', hidden: '256, 64', epochs: '15' } as const;

/**
 * Train with SETTINGS at `viewport` and save screenshots: the whole page, or for each of `screens`
 * the screen as Train leaves it (no selector) or scrolled to the element `selector`.
 */
async function shoot(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
  fullPage: boolean,
  screens: ReadonlyArray<readonly [file: string, selector: string | null]>,
): Promise<void> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: fullPage ? 1 : 2 });
  try {
    await page.goto(url);
    await page.waitForFunction(() => !(document.querySelector('#train') as HTMLButtonElement).disabled);
    await useDigits(page, 3000);
    for (const [name, value] of Object.entries(SETTINGS)) await setField(page, name, value);
    await trainAndWait(page, 300_000);
    for (const [file, selector] of screens) {
      if (selector !== null) await page.$eval(selector, (element) => element.scrollIntoView({ block: 'start' }));
      const temp = join(outDir, `.${file}.tmp.png`);
      await page.screenshot({ path: temp, fullPage });
      await rename(temp, join(outDir, file));
    }
  } finally {
    await page.close();
  }
}

const site = await mkdtemp(join(tmpdir(), 'latent-screenshots-'));
await buildWeb(site);
const server = await serveStatic(site, { port: 0 });
const browser = await launchChromium();
try {
  await shoot(browser, server.url, { width: 1400, height: 1000 }, true, [['playground-desktop.png', null]]);
  await shoot(browser, server.url, { width: 390, height: 844 }, false, [
    ['playground-phone.png', null],
    ['playground-phone-images.png', '#images-card'],
  ]);
  console.log(`screenshots written to ${outDir}`);
} finally {
  await browser.close();
  await server.close();
  await rm(site, { recursive: true, force: true });
}
