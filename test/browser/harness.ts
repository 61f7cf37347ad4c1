/**
 * Runs a page script in headless Chromium: the script (TypeScript importing the sources) is
 * bundled for the browser with esbuild, served from 127.0.0.1 with or without the headers that
 * make a page cross-origin isolated (the condition for SharedArrayBuffer and so for threads), and
 * opened by playwright-core driving the system's Chromium.
 *
 * A page script reports by assigning `window.latentResult` (or `window.latentError`).
 */

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

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

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves an HTML page running `script` as a module at `/`. `isolated` adds the COOP/COEP headers
 * that make the page cross-origin isolated.
 */
export async function servePage(script: string, isolated: boolean): Promise<PageServer> {
  const html = '<!doctype html><meta charset="utf-8"><title>latent</title><script type="module" src="/page.js"></script>';
  const server: Server = createServer((request, response) => {
    const headers: Record<string, string> = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {};
    if (request.url === '/page.js') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    } else if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
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
