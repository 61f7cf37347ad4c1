/**
 * An activation without bias over one long row (a whole conv output) is re-viewed as several rows
 * so threads share it: the result matches the reference and is the same bits on 1 and 2 threads,
 * for lengths that split (W2's first conv output) and lengths that do not (a prime).
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { ELEMENTWISE, expectAllClose } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

describe.each(HOST_VARIANTS)('%s biasActivation over one row without bias', (variant) => {
  const backends = builds.get(variant)!;

  it.each([
    ['relu', 128 * 32 * 196],
    ['sigmoid', 16 * 784],
    ['relu', 100_003],
  ] as const)('%s over %i elements', (act, n) => {
    const x = randomArray(new Rng(n), n, -6, 6);
    const expected = new Float32Array(n);
    oracle.biasActivation(x, null, 1, n, act, 0, expected);
    const results = [...backends.values()].map((backend) => {
      const input = onBackend(backend, x);
      const out = backend.alloc(n);
      backend.biasActivation(input, null, 1, n, act, 0, out);
      const copy = out.slice();
      backend.release(input);
      backend.release(out);
      return copy;
    });
    expectAllClose(results[0]!, expected, ELEMENTWISE, act);
    const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const result of results) expect(bytes(result).equals(bytes(results[0]!))).toBe(true);
  });
});
