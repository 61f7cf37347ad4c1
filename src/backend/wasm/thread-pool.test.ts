/**
 * The thread pool's hand-off between jobs: a worker that wakes late for a parallel job may find
 * the next job (one the caller runs alone) already published and claim its only chunk. The caller
 * must then wait for that chunk before it returns, or it reads an output still being written.
 * Alternating threaded and unthreaded jobs many times gives a late worker plenty of chances.
 */

import { describe, expect, it } from 'vitest';
import { HOST_VARIANTS, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;

  describe('thread pool', () => {
    it('returns from an unthreaded job only after every claimed chunk is written', () => {
      const backend = backends.get(2)!;
      // Above the threshold for threading, and just below it.
      const big = backend.alloc(1 << 16);
      const bigOut = backend.alloc(1 << 16);
      const small = backend.alloc(30_000);
      const smallOut = backend.alloc(30_000);
      big.fill(1);
      let incomplete = 0;
      for (let round = 0; round < 4000; round++) {
        small.fill(round);
        backend.affine(big, 2, 0, bigOut); // threaded: wakes the worker
        backend.affine(small, 1, 1, smallOut); // run by the caller, claimable by a late worker
        // The last element is written last by whoever runs the chunk.
        if (smallOut[smallOut.length - 1] !== round + 1 || smallOut[0] !== round + 1) incomplete++;
      }
      expect(incomplete).toBe(0);
    });
  });
});
