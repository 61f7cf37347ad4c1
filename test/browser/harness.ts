/**
 * Runs a page script in headless Chromium: the script (TypeScript importing the sources) is
 * bundled for the browser with esbuild, served from 127.0.0.1 by the playground's static server
 * with or without the headers that make a page cross-origin isolated (the condition for
 * SharedArrayBuffer and so for threads), and opened by playwright-core driving the system's
 * Chromium.
 *
 * A page script reports by assigning `window.latentResult` (or `window.latentError`).
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../scripts/web-server.js';

/** The Chromium binary: LATENT_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env['LATENT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set LATENT_CHROMIUM)`;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Bundles a page script and everything it imports into one browser ES module. */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * Serves an HTML page running `script` as a module at `/`, through the playground's static server
 * (scripts/web-server.ts) from a temporary folder. `isolated` sends the COOP/COEP headers that
 * make the page cross-origin isolated. `close` also removes the folder.
 */
export async function servePage(script: string, isolated: boolean): Promise<StaticServer> {
  const html = '<!doctype html><meta charset="utf-8"><title>latent</title><script type="module" src="/page.js"></script>';
  const root = await mkdtemp(join(tmpdir(), 'latent-page-'));
  await Promise.all([writeFile(join(root, 'index.html'), html), writeFile(join(root, 'page.js'), script)]);
  const server = await serveStatic(root, { port: 0, isolated });
  return {
    ...server,
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` and waits for the page script's result. Rejects with the page's error: the one it
 * reported, or the first uncaught one (so a broken page fails at once, not at the time-out).
 */
export async function pageResult<T>(page: Page, url: string, timeoutMs = 90_000): Promise<T> {
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
  const uncaught = new Promise<never>((_, reject) => {
    page.on('pageerror', (error) => reject(new Error(`uncaught in page: ${error.message}\n${logs.join('\n')}`)));
  });
  await page.goto(url);
  const reported = page
    .waitForFunction(() => 'latentResult' in window || 'latentError' in window, undefined, { timeout: timeoutMs })
    .catch((error: unknown) => {
      throw new Error(`page gave no result: ${String(error)}\n${logs.join('\n')}`);
    });
  await Promise.race([reported, uncaught]);
  const error = await page.evaluate(() => (window as { latentError?: string }).latentError);
  if (error !== undefined) throw new Error(`page failed: ${error}\n${logs.join('\n')}`);
  return page.evaluate(() => (window as unknown as { latentResult: unknown }).latentResult) as Promise<T>;
}
