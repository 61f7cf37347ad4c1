/**
 * The browser entry in a real browser (headless Chromium): the default backend is wasm with one
 * thread per core when the page is cross-origin isolated and falls back to one thread when it is
 * not; either way its kernels match the js reference, seeded training gives the same losses on
 * both backends, and a model file read back encodes identically.
 */

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, bundlePage, launchChromium, pageResult, servePage } from './harness.js';
import type { BackendPageResult } from './pages/backend-page.js';

const unavailable = browserUnavailable();
if (unavailable && process.env['CI']) throw new Error(`browser tests cannot run in CI: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('wasm backend in Chromium', () => {
  let browser: Browser;
  let script: string;

  beforeAll(async () => {
    [browser, script] = await Promise.all([launchChromium(), bundlePage('test/browser/pages/backend-page.ts')]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function run(isolated: boolean): Promise<BackendPageResult> {
    const server = await servePage(script, isolated);
    const page = await browser.newPage();
    try {
      return await pageResult<BackendPageResult>(page, server.url);
    } finally {
      await page.close();
      await server.close();
    }
  }

  function expectConformance(result: BackendPageResult): void {
    expect(result.backend).toBe('wasm');
    expect(result.gemmCases).toBe(24);
    expect(result.gemmError).toBeLessThan(1e-5);
    expect(result.elementwiseError).toBe(0);
    expect(result.defaultLosses).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(result.defaultLosses[i]).toBeCloseTo(result.jsLosses[i]!, 4);
    // Training really learned something (the loss went down).
    expect(result.defaultLosses[2]!).toBeLessThan(result.defaultLosses[0]!);
    expect(result.roundTripDifference).toBe(0);
  }

  it('uses Web Workers on a cross-origin isolated page', async () => {
    const result = await run(true);
    expect(result.isolated).toBe(true);
    expect(result.threads).toBe(result.hardwareConcurrency);
    expectConformance(result);
  });

  it('falls back to one thread on a page that is not isolated', async () => {
    const result = await run(false);
    expect(result.isolated).toBe(false);
    expect(result.threads).toBe(1);
    expectConformance(result);
  });
});
