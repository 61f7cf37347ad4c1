/**
 * Shared fixtures of the wasm conformance tests: one JsBackend oracle, wasm backends with 1 and
 * 2 threads (created once per test file), and seeded random fill helpers.
 */

import { afterAll } from 'vitest';
import { JsBackend } from '../../js/js-backend.js';
import { Rng } from '../../../tensor/rng.js';
import { WasmBackend } from '../wasm-backend.js';

export const oracle = new JsBackend();

/** Wasm backends by thread count, closed after the file's tests. */
export async function wasmBackends(): Promise<Map<number, WasmBackend>> {
  const backends = new Map<number, WasmBackend>([
    [1, await WasmBackend.create(1)],
    [2, await WasmBackend.create(2)],
  ]);
  afterAll(async () => {
    for (const backend of backends.values()) await backend.close();
  });
  return backends;
}

/** Uniform values in [lo, hi) from a seeded stream. */
export function randomArray(rng: Rng, length: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * rng.uniform();
  return out;
}

/** A copy of `values` in storage allocated by `backend`. */
export function onBackend(backend: WasmBackend, values: ArrayLike<number>): Float32Array {
  const out = backend.alloc(values.length);
  out.set(values);
  return out;
}
