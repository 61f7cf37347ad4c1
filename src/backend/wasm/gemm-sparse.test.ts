/**
 * Conformance of the compressed-row GEMM path (a mostly-zero left operand, asm/gemm-sparse.ts)
 * against the reference: ragged slivers (n around 16), row blocks (m around 64), k slices (k above
 * 1024), column panels (n above 256), op(B) packed one k slice at a time inside the job on every
 * thread count, empty rows, alpha/beta variants, both layouts of B, and 1 against 2 threads; then
 * the same for a mostly-zero right operand (B [k, n], computed as a transposed product, op(A)ᵀ
 * packed inside the job up to 960 columns). The path is chosen by density, or by a non-zero
 * count the caller gives, which the last tests observe directly.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import type { GemmArgs, GemmNonZeros } from '../backend.js';
import { expectAllClose, gemmTolerance } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';

const builds = await wasmBackends();

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;

  /** Uniform values where a seeded `density` share is kept and the rest set to zero; some rows all zero. */
  function sparseArray(rng: Rng, rows: number, cols: number, density: number): Float32Array {
    const out = randomArray(rng, rows * cols);
    for (let i = 0; i < rows; i++) {
      const emptyRow = rows > 4 && i % 5 === 3;
      for (let j = 0; j < cols; j++) if (emptyRow || rng.uniform() >= density) out[i * cols + j] = 0;
    }
    return out;
  }

  const SHAPES: readonly [number, number, number][] = [
    [1, 32, 1],
    [3, 33, 7],
    [7, 47, 129],
    [65, 129, 3],
    [129, 300, 127],
    [64, 1000, 40],
    [130, 64, 1100],
    [150, 272, 784],
    // Each thread packs op(B) one k slice at a time here (1024 columns × 100 deep, three row
    // blocks per slice, in the relaxed build): 1 and 2 threads must give the same bits.
    [200, 1000, 300],
    // Deep products split over k into depth groups (asm/gemm-depth.ts), each packing its own
    // slices: a depth whose groups end off the 4-float grid, a ragged last sliver.
    [64, 288, 1301],
    [37, 47, 2050],
  ];

  it('computes a deep wide product whose last depth group is shorter than the others, on 1 and 2 threads', () => {
    // The shapes of the test below, which split by the first group's depth alone would trap.
    const [m, n, k] = variant === 'relaxed' ? [16, 1025, 4100] : [16, 513, 2052];
    const rng = new Rng(4100);
    const a = sparseArray(rng, m, k, 0.05);
    const b = randomArray(rng, k * n);
    const expected = reference({ a, b, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 }, new Float32Array(m * n));
    for (const [threads, backend] of backends) {
      const [wa, wb, wc] = [a, b, new Float32Array(m * n)].map((values) => onBackend(backend, values)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      backend.gemm({ a: wa, b: wb, c: wc, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 });
      expectAllClose(wc, expected, gemmTolerance(k), `${threads} thread(s)`);
      for (const view of [wa, wb, wc]) backend.release(view);
    }
  });

  it('splits deep products over k on this path by shape alone, as on the dense one', () => {
    for (const backend of backends.values()) {
      // W2's deep weight gradient, and the deep shapes above ([130, 64, 1100] too).
      for (const [m, n, k] of [
        [64, 288, 6272],
        [64, 288, 1301],
        [37, 47, 2050],
        [130, 64, 1100],
      ] as const) {
        expect(backend.sparseDepthSplit(m, n, k), `${m}×${k}·${k}×${n}`).toBe(true);
      }
      // A wide product whose last, shorter depth group would be cut into slices too deep for the
      // scratch (4100 = 3·1028 + 1016, the last group in slices of 127) stays on the row split.
      const [wideN, wideK] = variant === 'relaxed' ? [1025, 4100] : [513, 2052];
      expect(backend.sparseDepthSplit(16, wideN, wideK)).toBe(false);
      // W1's products are not deep enough; a product whose whole op(B) fits one thread's scratch packs it whole.
      for (const [m, n, k] of [
        [128, 512, 784],
        [512, 784, 128],
        [20, 20, 1100],
      ] as const) {
        expect(backend.sparseDepthSplit(m, n, k), `${m}×${k}·${k}×${n}`).toBe(false);
      }
    }
  });

  const SCALARS: readonly [number, number][] = [
    [1, 0],
    [0.5, 1],
    [-2, 0.25],
  ];

  function reference(args: Omit<GemmArgs, 'c'>, c0: Float32Array): Float32Array {
    const c = c0.slice();
    oracle.gemm({ ...args, c });
    return c;
  }

  describe.each([false, true])('wasm gemm with a sparse left operand, transB=%s', (transB) => {
    it.each(SHAPES)('m=%i n=%i k=%i matches the reference at densities 0.02 and 0.3 on 1 and 2 threads', (m, n, k) => {
      for (const density of [0.02, 0.3]) {
        const rng = new Rng(m * 7919 + n * 31 + k + (transB ? 1 : 0) + density * 1000);
        const a = sparseArray(rng, m, k, density);
        const b = randomArray(rng, k * n);
        const c0 = randomArray(rng, m * n);
        for (const [alpha, beta] of SCALARS) {
          const expected = reference({ a, b, m, n, k, transA: false, transB, alpha, beta }, c0);
          const results: Float32Array[] = [];
          for (const [threads, backend] of backends) {
            const [wa, wb, wc] = [a, b, c0].map((values) => onBackend(backend, values)) as [Float32Array, Float32Array, Float32Array];
            backend.gemm({ a: wa, b: wb, c: wc, m, n, k, transA: false, transB, alpha, beta });
            expectAllClose(wc, expected, gemmTolerance(k), `density ${density}, ${threads} thread(s), alpha ${alpha}, beta ${beta}`);
            results.push(wc.slice());
            for (const view of [wa, wb, wc]) backend.release(view);
          }
          expect(results[1]).toEqual(results[0]);
        }
      }
    });
  });

  const B_SHAPES: readonly [number, number, number][] = [
    [64, 1, 1],
    [65, 3, 7],
    [79, 5, 128],
    [64, 67, 3],
    [129, 300, 1000],
  ];

  describe.each([false, true])('wasm gemm with a sparse right operand, transA=%s', (transA) => {
    it.each(B_SHAPES)('m=%i n=%i k=%i matches the reference at densities 0.02 and 0.2 on 1 and 2 threads', (m, n, k) => {
      for (const density of [0.02, 0.2]) {
        const rng = new Rng(m * 7 + n * 131 + k + (transA ? 1 : 0) + density * 1000);
        // A dense A keeps the left-operand path out of the way; B [k, n] is mostly zeros.
        const a = randomArray(rng, m * k, 0.5, 1);
        const b = sparseArray(rng, k, n, density);
        const c0 = randomArray(rng, m * n);
        // beta ≠ 0 takes the dense path; it must agree too.
        for (const [alpha, beta] of [
          [1, 0],
          [-2, 0],
          [0.5, 1],
        ] as const) {
          const expected = reference({ a, b, m, n, k, transA, transB: false, alpha, beta }, c0);
          const results: Float32Array[] = [];
          for (const [threads, backend] of backends) {
            const [wa, wb, wc] = [a, b, c0].map((values) => onBackend(backend, values)) as [Float32Array, Float32Array, Float32Array];
            backend.gemm({ a: wa, b: wb, c: wc, m, n, k, transA, transB: false, alpha, beta });
            expectAllClose(wc, expected, gemmTolerance(k), `density ${density}, ${threads} thread(s), alpha ${alpha}, beta ${beta}`);
            results.push(wc.slice());
            for (const view of [wa, wb, wc]) backend.release(view);
          }
          expect(results[1]).toEqual(results[0]);
        }
      }
    });
  });

  describe('each sparse path forced at any density', () => {
    // The dispatch takes a sparse path only below its break-even density; here the limits are
    // widened so that the kernels themselves meet densities from 0 to 1 (all zeros, a few, about
    // the break-even, no zeros), on random shapes: ragged slivers, k not a multiple of the k
    // slice, row blocks and column blocks with tails.
    const rng = new Rng(20240);
    const cases = Array.from({ length: 24 }, (_, i) => {
      const density = [0, 1, 0.5, 0.8, 0.95][i] ?? rng.uniform();
      const size = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));
      return { m: size(1, 200), n: size(1, 300), k: size(1, i % 3 === 0 ? 1024 : 400), density, seed: i };
    });

    function forcedMatches(side: 'a' | 'b', transposed: boolean, c: (typeof cases)[number]): void {
      const { m, n, k, density, seed } = c;
      const r = new Rng(seed * 97 + (side === 'a' ? 0 : 50) + (transposed ? 1 : 0));
      const a = side === 'a' ? sparseArray(r, m, k, density) : randomArray(r, m * k);
      const b = side === 'b' ? sparseArray(r, k, n, density) : randomArray(r, k * n);
      const c0 = randomArray(r, m * n);
      const beta = side === 'a' && seed % 2 === 1 ? 1 : 0;
      const args = { a, b, m, n, k, transA: side === 'b' && transposed, transB: side === 'a' && transposed, alpha: 1.5, beta };
      const expected = reference(args, c0);
      const results: Float32Array[] = [];
      for (const [threads, backend] of backends) {
        const [wa, wb, wc] = [a, b, c0].map((values) => onBackend(backend, values)) as [Float32Array, Float32Array, Float32Array];
        const limits = backend.sparseLimits;
        backend.sparseLimits = side === 'a' ? { a: 2, b: -1 } : { a: -1, b: 2 };
        try {
          backend.gemm({ ...args, a: wa, b: wb, c: wc });
        } finally {
          backend.sparseLimits = limits;
        }
        expectAllClose(wc, expected, gemmTolerance(k), `m=${m} n=${n} k=${k} density ${density.toFixed(3)}, ${threads} thread(s)`);
        results.push(wc.slice());
        for (const view of [wa, wb, wc]) backend.release(view);
      }
      expect(results[1]).toEqual(results[0]);
    }

    it.each(cases)('left operand: m=$m n=$n k=$k density $density', (c) => {
      forcedMatches('a', false, c);
      forcedMatches('a', true, c);
    });

    it.each(cases)('right operand: m=$m n=$n k=$k density $density', (c) => {
      // The right-operand path needs m ≥ its minimum rows; shorter products keep the packed path.
      forcedMatches('b', false, { ...c, m: Math.max(c.m, 64) });
      forcedMatches('b', true, { ...c, m: Math.max(c.m, 64) });
    });

    // Wide swept operands that each thread packs inside the product's job: the left path one k
    // slice at a time (W1's 784- and 512-wide products; 1000 columns with a ragged last slice),
    // the right path whole into the room after its row ends (up to 992 columns 128 deep; in the
    // relaxed build 993, or deeper, takes a packing job instead), with ragged slivers and uneven
    // chunks.
    const wide = [0, 0.5, 0.8, 0.95, 1].flatMap((density, i) => [
      { side: 'a' as const, m: 20, n: 784, k: 512, density, seed: 100 + i },
      { side: 'a' as const, m: 67, n: 1000, k: 300, density, seed: 110 + i },
      { side: 'b' as const, m: 784, n: 41, k: 128, density, seed: 120 + i },
      { side: 'b' as const, m: 992, n: 37, k: 128, density, seed: 130 + i },
      { side: 'b' as const, m: 993, n: 5, k: 128, density, seed: 140 + i },
      { side: 'b' as const, m: 700, n: 66, k: 131, density, seed: 150 + i },
    ]);
    it.each(wide)('$side operand packed inside the job: m=$m n=$n k=$k density $density', ({ side, ...c }) => {
      forcedMatches(side, false, c);
      forcedMatches(side, true, c);
    });
  });

  describe('choice of the sparse path', () => {
    // A zero of A times an infinite entry of B is NaN on the dense path and skipped on the sparse
    // one: that difference shows which path ran.
    function productWithInfinity(threads: number, density: number, n = 256, nonZeros?: GemmNonZeros): Float32Array {
      const backend = backends.get(threads)!;
      const [m, k] = [128, 50];
      const a = sparseArray(new Rng(3), m, k, density);
      for (let i = 0; i < m; i++) a[i * k] = 0;
      const b = randomArray(new Rng(4), k * n);
      b.fill(Number.POSITIVE_INFINITY, 0, n);
      const wc = backend.alloc(m * n);
      const args = { a: onBackend(backend, a), b: onBackend(backend, b), c: wc, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 };
      backend.gemm(nonZeros ? { ...args, nonZeros } : args);
      return wc.slice();
    }

    it.each([...backends.keys()])('a non-zero count given by the caller chooses the path instead of a count (%i thread(s))', (threads) => {
      expect(productWithInfinity(threads, 0.9, 256, { a: 0 }).every(Number.isFinite)).toBe(true);
      expect(productWithInfinity(threads, 0.1, 256, { a: 128 * 50 }).some(Number.isNaN)).toBe(true);
    });

    it.each([...backends.keys()])('the counts the backend takes are handed back to the caller (%i thread(s))', (threads) => {
      const a = sparseArray(new Rng(3), 128, 50, 0.3);
      for (let i = 0; i < 128; i++) a[i * 50] = 0;
      const counts: GemmNonZeros = {};
      productWithInfinity(threads, 0.3, 256, counts);
      expect(counts).toEqual({ a: a.filter((v) => v !== 0).length });
      // Too narrow a product for the left operand's path: A is not counted.
      const narrow: GemmNonZeros = {};
      productWithInfinity(threads, 0.3, 8, narrow);
      expect(narrow.a).toBeUndefined();
    });

    it.each([...backends.keys()])('mostly-zero operands take the compressed path (%i thread(s))', (threads) => {
      expect(productWithInfinity(threads, 0.1).every(Number.isFinite)).toBe(true);
    });

    it.each([...backends.keys()])('dense operands keep the packed path (%i thread(s))', (threads) => {
      expect(productWithInfinity(threads, 0.9).some(Number.isNaN)).toBe(true);
    });

    // The relaxed build's break-even model: at 0.56 (0.7 with every fifth row empty), a product
    // 128 rows by 256 columns wide (8 slivers, modelled break-even 0.62) is
    // cheaper sparse, one only 32 wide (one sliver, compression not amortised) is not; the plain
    // build keeps its fixed limit of 0.5 for both.
    it.each([...backends.keys()])('the break-even density follows the shape in the relaxed build (%i thread(s))', (threads) => {
      const wide = productWithInfinity(threads, 0.7, 256);
      const narrow = productWithInfinity(threads, 0.1, 32);
      if (variant === 'relaxed') {
        expect(wide.every(Number.isFinite)).toBe(true);
        expect(narrow.some(Number.isNaN)).toBe(true);
      } else {
        expect(wide.some(Number.isNaN)).toBe(true);
        expect(narrow.every(Number.isFinite)).toBe(true);
      }
    });

    // The same observation for the right operand: infinities in A, against rows of B that are zero.
    function rightProductWithInfinity(threads: number, density: number, beta: number): Float32Array {
      const backend = backends.get(threads)!;
      const [m, n, k] = [256, 64, 50];
      const a = randomArray(new Rng(5), m * k, 0.5, 1);
      for (let i = 0; i < m; i++) a[i * k] = Number.POSITIVE_INFINITY;
      const b = sparseArray(new Rng(6), k, n, density);
      b.fill(0, 0, n);
      const wc = backend.alloc(m * n);
      backend.gemm({ a: onBackend(backend, a), b: onBackend(backend, b), c: wc, m, n, k, transA: false, transB: false, alpha: 1, beta });
      return wc.slice();
    }

    it.each([...backends.keys()])('a mostly-zero right operand takes the compressed path when beta is 0 (%i thread(s))', (threads) => {
      expect(rightProductWithInfinity(threads, 0.1, 0).every(Number.isFinite)).toBe(true);
      expect(rightProductWithInfinity(threads, 0.1, 1).some(Number.isNaN)).toBe(true);
      expect(rightProductWithInfinity(threads, 0.9, 0).some(Number.isNaN)).toBe(true);
    });
  });
});
