/**
 * Conformance of the wasm GEMM against the reference: every transpose combination, edge sizes
 * around the micro-tile (6×8 in the relaxed build, 4×8 in the plain one), the B panels, the packed A blocks and the k slices, the unpacked
 * paths for one tiny dimension (k ≤ 16, m ≤ 16, or n ≤ 16 with Bᵀ) with their row, column and
 * depth-slice edges, deep products split over k, alpha/beta variants, and identical results on 1
 * and 2 threads.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import type { GemmArgs } from '../backend.js';
import { expectAllClose, gemmTolerance } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';
import { usesDepthSplit } from './wasm-backend.js';

const builds = await wasmBackends();

describe('the depth split', () => {
  it('takes deep products with a small output, by shape alone, and leaves W1 and thin ones alone', () => {
    // W2: Dense 3136→32 forward and input gradient, conv 2's weight gradient.
    expect(usesDepthSplit(128, 32, 3136)).toBe(true);
    expect(usesDepthSplit(64, 288, 6272)).toBe(true);
    // W1's products, a product too wide for its depth, one too large an output, the dot-product path.
    for (const [m, n, k] of [
      [128, 512, 784],
      [784, 512, 128],
      [128, 784, 512],
      [512, 600, 2048],
      [300, 300, 100_000],
      [128, 16, 3136],
    ] as const) {
      expect(usesDepthSplit(m, n, k), `${m}×${k}·${k}×${n}`).toBe(false);
    }
  });
});

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;

  const SHAPES: readonly [number, number, number][] = [
    [1, 1, 1],
    [3, 7, 1],
    [7, 3, 129],
    [127, 129, 7],
    [129, 127, 3],
    [1, 1000, 3],
    [1000, 7, 1],
    [3, 1, 1000],
    [127, 129, 129],
    [129, 127, 1000],
    [128, 512, 784],
    // Blocking edges of the packed path: two row blocks of packed A (600 rows at 350-deep
    // slices), ragged B panels (128 + 13 and 128 + 128 + 44 columns), three uneven k slices.
    [600, 141, 700],
    [96, 300, 1100],
    // Split over 2 threads by columns: a ragged last row sliver (37 rows) over two k slices.
    [37, 700, 600],
    // Every height of the last row sliver: 127, 128, 129, 64 and 41 rows leave 1, 2, 3, 4 and 5
    // rows in the last 6-row sliver of the relaxed build (4-row slivers in the plain one).
    [41, 203, 301],
    [64, 150, 288],
    // One tiny dimension (the unpacked paths), large enough to be split over 2 threads.
    [32, 2051, 9],
    [9, 2003, 32],
    [13, 301, 16],
    [33, 9, 2503],
    [6, 1, 77],
    // Deep products split over k (asm/gemm-depth.ts): W2's dense layer, ragged sizes, a depth
    // whose groups end off the 4-float grid, and n = 17 just past the dot-product path.
    [128, 32, 3136],
    [37, 45, 1031],
    [5, 17, 2050],
    [64, 288, 1301],
  ];

  const SCALARS: readonly [number, number][] = [
    [1, 0],
    [0.5, 1],
    [-2, 0.25],
  ];

  const TRANSPOSES: readonly [boolean, boolean][] = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];

  function reference(args: Omit<GemmArgs, 'c'>, c0: Float32Array): Float32Array {
    const c = c0.slice();
    oracle.gemm({ ...args, c });
    return c;
  }

  describe.each(TRANSPOSES)('wasm gemm transA=%s transB=%s', (transA, transB) => {
    it.each(SHAPES)('m=%i n=%i k=%i matches the reference for every alpha/beta on 1 and 2 threads', (m, n, k) => {
      const rng = new Rng(m * 1_000_003 + n * 1009 + k + (transA ? 7 : 0) + (transB ? 13 : 0));
      const a = randomArray(rng, m * k);
      const b = randomArray(rng, k * n);
      const c0 = randomArray(rng, m * n);
      for (const [alpha, beta] of SCALARS) {
        const expected = reference({ a, b, m, n, k, transA, transB, alpha, beta }, c0);
        const results: Float32Array[] = [];
        for (const [threads, backend] of backends) {
          const wa = onBackend(backend, a);
          const wb = onBackend(backend, b);
          const wc = onBackend(backend, c0);
          backend.gemm({ a: wa, b: wb, c: wc, m, n, k, transA, transB, alpha, beta });
          expectAllClose(wc, expected, gemmTolerance(k), `${threads} thread(s), alpha ${alpha}, beta ${beta}`);
          results.push(wc.slice());
          for (const view of [wa, wb, wc]) backend.release(view);
        }
        // Threads split C into disjoint tiles computed the same way, so results are bit-identical.
        expect(results[1]).toEqual(results[0]);
      }
    });
  });

  describe('wasm gemm special cases', () => {
    it.each([...backends.keys()])('beta = 0 ignores NaN in C (%i thread(s))', (threads) => {
      const backend = backends.get(threads)!;
      const rng = new Rng(5);
      const [m, n, k] = [130, 200, 90];
      const a = randomArray(rng, m * k);
      const b = randomArray(rng, k * n);
      const wc = backend.alloc(m * n);
      wc.fill(Number.NaN);
      backend.gemm({ a: onBackend(backend, a), b: onBackend(backend, b), c: wc, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 });
      const expected = new Float32Array(m * n);
      oracle.gemm({ a, b, c: expected, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 });
      expect(wc.some(Number.isNaN)).toBe(false);
      expectAllClose(wc, expected, gemmTolerance(k));
    });

    it.each([...backends.keys()])('k = 0 and alpha = 0 scale C by beta (%i thread(s))', (threads) => {
      const backend = backends.get(threads)!;
      const c0 = randomArray(new Rng(9), 3 * 5);
      const empty = backend.alloc(0);
      const wc = onBackend(backend, c0);
      backend.gemm({ a: empty, b: empty, c: wc, m: 3, n: 5, k: 0, transA: false, transB: false, alpha: 1, beta: 0.5 });
      expectAllClose(
        wc,
        c0.map((v) => v * 0.5),
        { rtol: 1e-7, atol: 0 },
      );
      const ones = onBackend(backend, new Float32Array(15).fill(1));
      backend.gemm({ a: ones, b: ones, c: wc, m: 3, n: 5, k: 3, transA: false, transB: false, alpha: 0, beta: 0 });
      expect([...wc]).toEqual(new Array(15).fill(0));
    });

    it('rejects arrays too short for the shape', () => {
      const backend = backends.get(1)!;
      const small = backend.alloc(4);
      expect(() =>
        backend.gemm({ a: small, b: small, c: small, m: 3, n: 3, k: 3, transA: false, transB: false, alpha: 1, beta: 0 }),
      ).toThrow(/gemm A holds 4 floats, the kernel needs 9/);
    });
  });
});
