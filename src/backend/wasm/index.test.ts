/**
 * The public factory: thread count from the option, LATENT_THREADS or the core count, clear
 * errors for bad values, and a backend that reports what it runs on.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, relaxedSimdSupported, wasmAvailable, WasmBackend, type KernelVariant } from './index.js';

const saved = process.env['LATENT_THREADS'];
afterEach(() => {
  if (saved === undefined) delete process.env['LATENT_THREADS'];
  else process.env['LATENT_THREADS'] = saved;
});

async function threadsOf(options: { threads?: number }): Promise<number> {
  const backend = await createWasmBackend(options);
  expect(backend.name).toBe('wasm');
  const threads = backend.threads;
  if (backend instanceof WasmBackend) await backend.close();
  return threads;
}

describe('createWasmBackend', () => {
  it('is available on Node 20', () => {
    expect(wasmAvailable()).toBe(true);
  });

  it('takes the thread count from the option, then LATENT_THREADS', async () => {
    process.env['LATENT_THREADS'] = '2';
    expect(await threadsOf({ threads: 1 })).toBe(1);
    expect(await threadsOf({})).toBe(2);
    process.env['LATENT_THREADS'] = '1';
    expect(await threadsOf({})).toBe(1);
  });

  it('defaults to the core count', async () => {
    delete process.env['LATENT_THREADS'];
    const os = await import('node:os');
    expect(await threadsOf({})).toBe(Math.min(64, os.availableParallelism()));
  });

  it('rejects bad thread counts, naming where they came from', async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads must be a whole number from 1 to 64, got "0"/);
    await expect(createWasmBackend({ threads: 1.5 })).rejects.toThrow(/threads must be a whole number/);
    process.env['LATENT_THREADS'] = 'many';
    await expect(createWasmBackend({})).rejects.toThrow(/LATENT_THREADS must be a whole number from 1 to 64, got "many"/);
  });
});

describe('kernel builds', () => {
  const nodeMajor = Number(process.versions.node.split('.')[0]);

  it('detects relaxed SIMD where the host validates it (Node 22+) and not on Node 20 without flags', () => {
    expect(relaxedSimdSupported()).toBe(nodeMajor >= 22 || process.execArgv.includes('--experimental-wasm-relaxed-simd'));
  });

  it('takes the fastest build by default and the plain one on request', async () => {
    const best = await createWasmBackend({ threads: 1 });
    expect(best instanceof WasmBackend && best.kernels).toBe(relaxedSimdSupported() ? 'relaxed' : 'simd');
    if (best instanceof WasmBackend) await best.close();
    const plain = await createWasmBackend({ threads: 1, kernels: 'simd' });
    expect(plain instanceof WasmBackend && plain.kernels).toBe('simd');
    if (plain instanceof WasmBackend) await plain.close();
  });

  it.runIf(!relaxedSimdSupported())('refuses the relaxed build on a host without relaxed SIMD, saying what to use', async () => {
    await expect(createWasmBackend({ kernels: 'relaxed' })).rejects.toThrow(/need a host that validates WebAssembly relaxed SIMD/);
  });

  it('rejects an unknown build by name', async () => {
    await expect(createWasmBackend({ kernels: 'avx' as KernelVariant })).rejects.toThrow(/kernels must be "relaxed" or "simd", got "avx"/);
  });
});
