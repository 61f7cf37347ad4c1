/**
 * `node --import tsx scripts/report-screenshots.ts [--data FILE.npz] [--out DIR]`: writes two
 * reports with the CLI — `latent train --report` on a labelled table (default the ADBench cardio
 * set) and on the built-in digits with a VAE — and photographs them in headless Chromium, light
 * and dark, at desktop (1280 px) and phone (390 px) width, into DIR (default docs/images); a phone
 * picture may start at a section further down (the anomaly curves, the digits' image rows).
 * Chromium: LATENT_CHROMIUM, else Debian's /usr/bin/chromium.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../src/cli/main.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { data: { type: 'string', default: '../shared/data/adbench/6_cardio.npz' }, out: { type: 'string', default: 'docs/images' } },
});
const work = mkdtempSync(join(tmpdir(), 'latent-report-shots-'));

/** Runs the CLI as a user would; stops on a non-zero exit. */
async function latent(...args: string[]): Promise<void> {
  const code = await main(['node', 'latent', ...args]);
  if (code !== 0) throw new Error(`latent ${args.join(' ')} exited with ${code}`);
}

const table = join(work, 'table.html');
const digits = join(work, 'digits.html');
await latent(
  'train',
  resolve(values.data!),
  '-o',
  join(work, 't.safetensors'),
  '--threshold-rule',
  'contamination:0.1',
  '--report',
  table,
  '--quiet',
);
await latent(
  'train',
  'mnist:test',
  '--model',
  'vae',
  '--latent',
  '2',
  '--epochs',
  '15',
  '-o',
  join(work, 'd.safetensors'),
  '--report',
  digits,
  '--quiet',
);

const browser = await chromium.launch({
  executablePath: process.env['LATENT_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
// Each picture starts at the top of the page, or at the section whose heading is given.
const shots: Array<[report: string, name: string, width: number, scheme: 'light' | 'dark', height: number, from?: string]> = [
  [table, 'report-desktop-light', 1280, 'light', 3400],
  [table, 'report-desktop-dark', 1280, 'dark', 3400],
  [table, 'report-phone-light', 390, 'light', 1700],
  [table, 'report-phone-dark', 390, 'dark', 1700, 'Reconstruction error and anomalies'],
  [digits, 'report-vae-digits-dark', 1280, 'dark', 3000],
  [digits, 'report-vae-digits-phone', 390, 'light', 1700, 'Reconstructions'],
];
for (const [report, name, width, colorScheme, height, from] of shots) {
  const phone = width < 600;
  const page = await browser.newPage({ viewport: { width, height: phone ? 844 : 900 }, colorScheme, deviceScaleFactor: phone ? 2 : 1 });
  await page.goto(pathToFileURL(report).href);
  const full = await page.evaluate(() => document.documentElement.scrollHeight);
  const top =
    from === undefined
      ? 0
      : await page.evaluate((heading) => {
          const h2 = Array.from(document.querySelectorAll('section h2')).find((h) => h.textContent === heading);
          return Math.max(0, Math.floor((h2?.closest('section')?.getBoundingClientRect().top ?? 0) + window.scrollY - 8));
        }, from);
  const path = join(values.out!, `${name}.png`);
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: top, width, height: Math.min(full - top, height) } });
  console.log(`wrote ${path}`);
  await page.close();
}
await browser.close();
rmSync(work, { recursive: true, force: true });
