/**
 * The main entry must stay browser-safe: bundling it for the browser may not pull in any Node
 * built-in module (files, threads and the CLI live behind `latent/node`).
 */

import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('browser entry', () => {
  it('bundles for the browser without Node built-ins', async () => {
    const result = await build({
      entryPoints: ['src/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    }).catch((error: { errors?: Array<{ text: string }> }) => error);
    const errors = 'errors' in result && result.errors ? result.errors.map((e) => e.text) : [];
    expect(errors).toEqual([]);
  });
});
