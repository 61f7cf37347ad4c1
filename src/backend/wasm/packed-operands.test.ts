/**
 * Weights kept packed between products (GemmArgs.frozenB, packed-operands.ts), on 1 and 2 threads
 * of each kernel build: a product with a kept copy gives the same bits as packing B for the call,
 * on every packing variant of the mostly-zero-A path (own pack, slice pack, separate packing job);
 * the copy is packed once while the version stays, repacked when it changes or the operand's
 * storage moves, freed by forgetOperand, and stays valid when the memory grows.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import type { GemmArgs, VersionedOperand } from '../backend.js';
import { allCloseReport, gemmTolerance } from './test-utils/all-close.js';
import { HOST_VARIANTS, onBackend, oracle, randomArray, wasmBackends } from './test-utils/fixtures.js';
import { WasmHeap } from './heap.js';
import { PackedOperands } from './packed-operands.js';
import type { WasmBackend } from './wasm-backend.js';

const builds = await wasmBackends();

/** Rows of A with about `density` non-zeros (the rest exact zeros, like MNIST's background). */
function sparseRows(rng: Rng, length: number, density: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.uniform() < density ? rng.uniform() : 0;
  return out;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A weight operand whose version the test moves by hand. */
class Weight implements VersionedOperand {
  version = 0;
}

interface Product {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transB: boolean;
  readonly beta: number;
  readonly transA?: boolean;
  /** Taken by a dense path that packs no B (gemm-direct.ts), so nothing is kept. */
  readonly packsNothing?: boolean;
}

// Own pack (B small enough for each thread's scratch), slice pack (one thread, wide B), separate
// packing job (two threads, wide B), ragged slivers (n not a multiple of 32), one row, accumulation.
const PRODUCTS: readonly Product[] = [
  { m: 40, n: 48, k: 70, transB: true, beta: 0 },
  { m: 200, n: 512, k: 784, transB: true, beta: 0 },
  { m: 1, n: 512, k: 784, transB: true, beta: 0 },
  { m: 67, n: 100, k: 300, transB: false, beta: 0 },
  { m: 33, n: 130, k: 129, transB: true, beta: 1 },
];

// The dense path: W3's deeper layers, two k slices, ragged edges, transposed A, beta 1 and 0.5,
// columns split among threads (wide C), and thin products that pack nothing (direct, dot).
const DENSE_PRODUCTS: readonly Product[] = [
  { m: 1000, n: 128, k: 512, transB: true, beta: 0 },
  { m: 200, n: 32, k: 128, transB: true, beta: 0 },
  { m: 70, n: 100, k: 784, transB: true, beta: 0 },
  { m: 33, n: 130, k: 129, transB: false, beta: 1 },
  { m: 45, n: 61, k: 90, transB: true, beta: 0.5, transA: true },
  { m: 24, n: 700, k: 64, transB: true, beta: 0 },
  { m: 3, n: 40, k: 50, transB: false, beta: 0, packsNothing: true },
  { m: 50, n: 8, k: 300, transB: true, beta: 0, packsNothing: true },
];

/** C of the product `p` with A = a, B = b on `backend`, with or without B kept packed. */
function product(
  backend: WasmBackend,
  p: Product,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  frozen?: VersionedOperand,
): Float32Array {
  const c = onBackend(backend, c0);
  const args: GemmArgs = { a, b, c, m: p.m, n: p.n, k: p.k, transA: p.transA ?? false, transB: p.transB, alpha: 1, beta: p.beta };
  backend.gemm(frozen ? { ...args, frozenB: frozen } : args);
  const out = c.slice();
  backend.release(c);
  return out;
}

describe.each(HOST_VARIANTS)('%s kernels', (variant) => {
  const backends = builds.get(variant)!;

  it.each([1, 2])('a kept copy of B gives the bits of packing B for the call, on every packing path (%i threads)', (threads) => {
    const backend = backends.get(threads)!;
    // Both calls on the mostly-zero-A path, whatever the break-even model says for the shape.
    backend.sparseLimits = { a: 1, b: 0 };
    try {
      const rng = new Rng(7 + threads);
      for (const p of PRODUCTS) {
        const a = onBackend(backend, sparseRows(rng, p.m * p.k, 0.2));
        const b = onBackend(backend, randomArray(rng, p.n * p.k));
        const c0 = randomArray(rng, p.m * p.n);
        const weight = new Weight();
        const plain = product(backend, p, a, b, c0);
        const first = product(backend, p, a, b, c0, weight);
        const again = product(backend, p, a, b, c0, weight);
        expect(sameBits(first, plain), `${p.m}×${p.k}·${p.k}×${p.n}`).toBe(true);
        expect(sameBits(again, plain), `${p.m}×${p.k}·${p.k}×${p.n}, kept copy`).toBe(true);
        const expected = c0.slice();
        oracle.gemm({
          a: a.slice(),
          b: b.slice(),
          c: expected,
          m: p.m,
          n: p.n,
          k: p.k,
          transA: false,
          transB: p.transB,
          alpha: 1,
          beta: p.beta,
        });
        expect(allCloseReport(first, expected, gemmTolerance(p.k))).toBeNull();
        backend.forgetOperand(weight);
        backend.release(a);
        backend.release(b);
      }
    } finally {
      backend.sparseLimits = undefined;
    }
  });

  it.each([1, 2])('a kept copy of B on the dense path gives the bits of packing B for the call (%i threads)', (threads) => {
    const backend = backends.get(threads)!;
    backend.sparseLimits = { a: 0, b: 0 };
    try {
      const rng = new Rng(17 + threads);
      for (const p of DENSE_PRODUCTS) {
        const name = `${p.m}×${p.k}·${p.k}×${p.n}${p.transA ? ' Aᵀ' : ''}${p.transB ? ' Bᵀ' : ''} beta ${p.beta}`;
        const a = onBackend(backend, randomArray(rng, p.m * p.k));
        const b = onBackend(backend, randomArray(rng, p.n * p.k));
        const c0 = randomArray(rng, p.m * p.n);
        const weight = new Weight();
        const plain = product(backend, p, a, b, c0);
        const packs = backend.packedOperands.packs;
        const first = product(backend, p, a, b, c0, weight);
        const again = product(backend, p, a, b, c0, weight);
        expect(backend.packedOperands.packs - packs, name).toBe(p.packsNothing ? 0 : 1);
        expect(sameBits(first, plain), name).toBe(true);
        expect(sameBits(again, plain), `${name}, kept copy`).toBe(true);
        const expected = c0.slice();
        const transA = p.transA ?? false;
        oracle.gemm({ a: a.slice(), b: b.slice(), c: expected, m: p.m, n: p.n, k: p.k, transA, transB: p.transB, alpha: 1, beta: p.beta });
        expect(allCloseReport(first, expected, gemmTolerance(p.k)), name).toBeNull();
        backend.forgetOperand(weight);
        backend.release(a);
        backend.release(b);
      }
    } finally {
      backend.sparseLimits = undefined;
    }
  });

  it('keeps one copy per kind of packing, so a weight fed sparse and dense batches in turn packs each once', () => {
    const backend = backends.get(1)!;
    const p: Product = { m: 64, n: 100, k: 200, transB: true, beta: 0 };
    const rng = new Rng(5);
    const sparse = onBackend(backend, sparseRows(rng, p.m * p.k, 0.05));
    const dense = onBackend(backend, randomArray(rng, p.m * p.k));
    const b = onBackend(backend, randomArray(rng, p.n * p.k));
    const weight = new Weight();
    const live = backend.liveBuffers();
    const packs = backend.packedOperands.packs;
    for (let i = 0; i < 3; i++) {
      backend.sparseLimits = { a: 1, b: 0 };
      product(backend, p, sparse, b, new Float32Array(p.m * p.n), weight);
      backend.sparseLimits = { a: 0, b: 0 };
      product(backend, p, dense, b, new Float32Array(p.m * p.n), weight);
    }
    backend.sparseLimits = undefined;
    expect(backend.packedOperands.packs - packs).toBe(2);
    expect(backend.liveBuffers()).toBe(live + 2);
    backend.forgetOperand(weight);
    expect(backend.liveBuffers()).toBe(live);
    for (const x of [sparse, dense, b]) backend.release(x);
  });

  it.each([1, 2])('packs once per version and storage, repacks after a write, frees on forget (%i threads)', (threads) => {
    const backend = backends.get(threads)!;
    backend.sparseLimits = { a: 1, b: 0 };
    try {
      const p: Product = { m: 64, n: 512, k: 784, transB: true, beta: 0 };
      const rng = new Rng(40 + threads);
      const a = onBackend(backend, sparseRows(rng, p.m * p.k, 0.2));
      const b = onBackend(backend, randomArray(rng, p.n * p.k));
      const live = backend.liveBuffers();
      const weight = new Weight();
      const packs = backend.packedOperands.packs;
      const before = product(backend, p, a, b, new Float32Array(p.m * p.n), weight);
      product(backend, p, a, b, new Float32Array(p.m * p.n), weight);
      expect(backend.packedOperands.packs - packs).toBe(1);
      expect(backend.liveBuffers()).toBe(live + 1);

      // A write with the version moved: the next product sees the new values.
      b.set(randomArray(rng, p.n * p.k));
      weight.version++;
      const fresh = product(backend, p, a, b, new Float32Array(p.m * p.n));
      const after = product(backend, p, a, b, new Float32Array(p.m * p.n), weight);
      expect(backend.packedOperands.packs - packs).toBe(2);
      expect(sameBits(after, fresh)).toBe(true);
      expect(sameBits(after, before)).toBe(false);

      // The same version over other storage (a moved operand) is packed anew too.
      const moved = onBackend(backend, randomArray(rng, p.n * p.k));
      const movedPlain = product(backend, p, a, moved, new Float32Array(p.m * p.n));
      expect(sameBits(product(backend, p, a, moved, new Float32Array(p.m * p.n), weight), movedPlain)).toBe(true);
      expect(backend.packedOperands.packs - packs).toBe(3);
      backend.release(moved);

      backend.forgetOperand(weight);
      expect(backend.liveBuffers()).toBe(live);
      backend.forgetOperand(weight);
      expect(backend.liveBuffers()).toBe(live);
      backend.release(a);
      backend.release(b);
    } finally {
      backend.sparseLimits = undefined;
    }
  });

  it('a kept copy stays valid when the memory grows', () => {
    const backend = backends.get(2)!;
    backend.sparseLimits = { a: 1, b: 0 };
    try {
      const p: Product = { m: 50, n: 512, k: 784, transB: true, beta: 0 };
      const rng = new Rng(3);
      const a = onBackend(backend, sparseRows(rng, p.m * p.k, 0.2));
      const b = onBackend(backend, randomArray(rng, p.n * p.k));
      const weight = new Weight();
      const first = product(backend, p, a, b, new Float32Array(p.m * p.n), weight);
      const packs = backend.packedOperands.packs;
      // 64 MiB more than any test holds: the shared memory grows under the kept copy.
      const big = backend.alloc(1 << 24);
      const after = product(backend, p, a, b, new Float32Array(p.m * p.n), weight);
      expect(backend.packedOperands.packs).toBe(packs);
      expect(sameBits(after, first)).toBe(true);
      backend.release(big);
      backend.forgetOperand(weight);
      backend.release(a);
      backend.release(b);
    } finally {
      backend.sparseLimits = undefined;
    }
  });
});

describe('PackedOperands', () => {
  it('gives no copy, and packs nothing, past its share of the heap or when the heap is full', () => {
    const heap = new WasmHeap(2, 2, false); // 128 KiB that cannot grow: 16 KiB for kept copies
    const kept = new PackedOperands(heap);
    const weight = new Weight();
    const source = heap.alloc(16);
    let packed = 0;
    const pack = (): void => {
      packed++;
    };
    expect(kept.get(weight, source, 'panels', '4×4', 1 << 20, () => undefined, pack)).toBeNull();
    expect(kept.get(weight, source, 'panels', '4×4', 4097, () => undefined, pack)).toBeNull();
    expect(packed).toBe(0);
    const live = heap.liveBlocks();
    // Room for a small copy: packed once, then reused; a second one past the share is refused.
    const copy = kept.get(weight, source, 'panels', '4×4', 4000, () => undefined, pack);
    expect(copy).not.toBeNull();
    expect(kept.get(weight, source, 'panels', '4×4', 4000, () => undefined, pack)).toBe(copy);
    expect(kept.get(weight, source, 'slivers', '4×4', 200, () => undefined, pack)).toBeNull();
    expect(packed).toBe(1);
    expect(heap.liveBlocks()).toBe(live + 1);
    kept.forget(weight);
    expect(heap.liveBlocks()).toBe(live);
    // Forgotten copies give their share back.
    expect(kept.get(new Weight(), source, 'slivers', '4×4', 4000, () => undefined, pack)).not.toBeNull();
  });
});
