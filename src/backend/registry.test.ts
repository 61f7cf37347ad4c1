import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, initBackend, setBackend } from './registry.js';

const original = getBackend();
afterEach(() => {
  delete process.env['LATENT_THREADS'];
  delete process.env['LATENT_BACKEND'];
  setBackend(original);
});

describe('backend selection', () => {
  // No registration import: the registry loads the wasm backend itself, on first use.
  it('picks wasm when nothing is asked for, js when named', async () => {
    expect((await initBackend('wasm', { threads: 1 })).name).toBe('wasm');
    expect((await initBackend('js')).name).toBe('js');
  });

  it('reports a bad LATENT_THREADS instead of silently falling back to js', async () => {
    // A fresh process, as a user would start one: automatic selection must not swallow the error.
    const script = "const r = await import('./src/backend/registry.ts'); await r.initBackend();";
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, LATENT_THREADS: 'abc' },
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/LATENT_THREADS must be a whole number/);
    process.env['LATENT_THREADS'] = 'abc';
    await expect(initBackend('wasm')).rejects.toThrow(/LATENT_THREADS/);
  });

  it('reuses the running wasm backend instead of starting another', async () => {
    const first = await initBackend('wasm', { threads: 1 });
    expect(await initBackend('wasm')).toBe(first);
    expect(await initBackend('wasm', { threads: 1 })).toBe(first);
  });

  it('rejects an unknown LATENT_BACKEND by name', async () => {
    process.env['LATENT_BACKEND'] = 'gpu';
    await expect(initBackend()).rejects.toThrow(/unknown LATENT_BACKEND "gpu"/);
  });
});
