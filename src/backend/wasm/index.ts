/**
 * The wasm backend: SIMD kernels over one shared WebAssembly.Memory, split across worker threads
 * where the host allows (Node worker_threads; browsers when cross-origin isolated).
 */

import { LatentError } from '../../errors.js';
import type { Backend } from '../backend.js';
import { MAX_THREADS } from './codes.js';
import { bestKernelVariant, kernelsValid, relaxedSimdSupported, type KernelVariant } from './kernels.js';
import { coreCount, threadsSupported } from './spawn.js';
import { WasmBackend } from './wasm-backend.js';

export { WasmBackend } from './wasm-backend.js';
export { bestKernelVariant, relaxedSimdSupported, type KernelVariant } from './kernels.js';

export interface WasmBackendOptions {
  /** Threads to split big kernels over, the caller included (default: LATENT_THREADS, else all cores). */
  readonly threads?: number;
  /**
   * Kernel build: 'relaxed' (relaxed SIMD's fused multiply-add; Node 22+, Chrome 114+) or 'simd'
   * (plain SIMD, every host with wasm SIMD). Default: the fastest the host validates.
   */
  readonly kernels?: KernelVariant;
}

/** True when this host can run the wasm kernels (WebAssembly with SIMD). */
export function wasmAvailable(): boolean {
  return kernelsValid(false);
}

function parseThreads(value: unknown, source: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new LatentError(
      `${source} must be a whole number from 1 to ${MAX_THREADS}, got "${String(value)}"`,
      `set ${source} to the number of cores to use, e.g. 2`,
    );
  }
  return n;
}

function envThreads(): string | undefined {
  const env = typeof process !== 'undefined' ? process.env : undefined;
  return env?.['LATENT_THREADS'] || undefined;
}

/**
 * Create the wasm backend. Thread count: `options.threads`, else LATENT_THREADS, else the core
 * count; 1 where workers or SharedArrayBuffer are unavailable (browser pages that are not
 * cross-origin isolated), which also caps the memory at a fixed size (up to 512 MiB).
 *
 * @example
 * const backend = await createWasmBackend({ threads: 2 });
 * backend.gemm({ a, b, c, m: 128, n: 512, k: 784, transA: false, transB: false, alpha: 1, beta: 0 });
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<Backend> {
  if (!wasmAvailable()) {
    throw new LatentError('the wasm backend needs WebAssembly with SIMD', 'use a current Node.js (20+) or browser, or --backend js');
  }
  const variant = options.kernels ?? bestKernelVariant();
  if (variant !== 'relaxed' && variant !== 'simd') {
    throw new LatentError(`kernels must be "relaxed" or "simd", got "${String(variant)}"`, 'leave it unset to take the fastest build');
  }
  if (variant === 'relaxed' && !relaxedSimdSupported()) {
    throw new LatentError(
      'the relaxed SIMD kernels need a host that validates WebAssembly relaxed SIMD',
      'use Node.js 22+ or Chrome 114+, or kernels: "simd"',
    );
  }
  const env = envThreads();
  const requested =
    options.threads !== undefined
      ? parseThreads(options.threads, 'threads')
      : env !== undefined
        ? parseThreads(env, 'LATENT_THREADS')
        : await coreCount();
  // Without shared memory and workers: the unshared kernels on this thread alone.
  if (!threadsSupported() || !kernelsValid(true, variant)) return WasmBackend.create(1, false, variant);
  return WasmBackend.create(requested, true, variant);
}
