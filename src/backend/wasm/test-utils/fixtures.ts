/**
 * Shared fixtures of the wasm conformance tests: one JsBackend oracle, wasm backends with 1 and
 * 2 threads for each kernel build the host runs (created once per test file), and seeded random
 * fill helpers.
 */

import { afterAll } from 'vitest';
import type { Backend } from '../../backend.js';
import { JsBackend } from '../../js/js-backend.js';
import { Rng } from '../../../tensor/rng.js';
import { relaxedSimdSupported, type KernelVariant } from '../kernels.js';
import { WasmBackend } from '../wasm-backend.js';

export const oracle = new JsBackend();

/**
 * The kernel builds this host runs: relaxed SIMD (where it validates, e.g. Node 22+) and plain
 * SIMD. Conformance runs on each; bit-for-bit comparisons hold within one build only.
 */
export const HOST_VARIANTS: readonly KernelVariant[] = relaxedSimdSupported() ? ['relaxed', 'simd'] : ['simd'];

/** Wasm backends by kernel build, then thread count; closed after the file's tests. */
export async function wasmBackends(): Promise<Map<KernelVariant, Map<number, WasmBackend>>> {
  const builds = new Map<KernelVariant, Map<number, WasmBackend>>();
  for (const variant of HOST_VARIANTS) {
    builds.set(
      variant,
      new Map<number, WasmBackend>([
        [1, await WasmBackend.create(1, true, variant)],
        [2, await WasmBackend.create(2, true, variant)],
      ]),
    );
  }
  afterAll(async () => {
    for (const backends of builds.values()) for (const backend of backends.values()) await backend.close();
  });
  return builds;
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

/**
 * Run `fn` on the oracle with plain arrays and on `backend` with copies of `inputs`; the output
 * starts as a copy of `initial`, or zeroed at that length. Returns [backend's output, oracle's].
 */
export function onBoth(
  backend: WasmBackend,
  inputs: readonly Float32Array[],
  initial: Float32Array | number,
  fn: (b: Backend, inputs: Float32Array[], out: Float32Array) => void,
): [Float32Array, Float32Array] {
  const expected = typeof initial === 'number' ? new Float32Array(initial) : initial.slice();
  fn(
    oracle,
    inputs.map((x) => x.slice()),
    expected,
  );
  const views = inputs.map((x) => onBackend(backend, x));
  const out = typeof initial === 'number' ? backend.alloc(initial) : onBackend(backend, initial);
  fn(backend, views, out);
  const actual = out.slice();
  for (const view of [...views, out]) backend.release(view);
  return [actual, expected];
}
