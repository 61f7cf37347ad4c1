/**
 * The wasm heap's allocator: zeroed blocks, reuse by size class, live counting, growth that
 * keeps old views valid, and clear errors for storage it does not own.
 */

import { describe, expect, it } from 'vitest';
import { JsBackend } from '../js/js-backend.js';
import { classBytes, WasmHeap } from './heap.js';
import { KERNELS_MAX_PAGES, kernelsValid, relaxedSimdSupported } from './kernels.js';
import { WasmBackend } from './wasm-backend.js';

describe('classBytes', () => {
  it('rounds to 64 bytes up to 4 KiB, then to 8 classes per doubling', () => {
    expect(classBytes(0)).toBe(64);
    expect(classBytes(1)).toBe(64);
    expect(classBytes(17)).toBe(128);
    expect(classBytes(1024)).toBe(4096);
    expect(classBytes(1025)).toBe(4608);
    expect(classBytes(100_000)).toBe(13 * 32_768); // 400,000 bytes: classes step by 2^15 in [2^18, 2^19)
    for (const n of [1, 5, 1000, 4097, 123_457, 10_000_000]) {
      expect(classBytes(n)).toBeGreaterThanOrEqual(n * 4);
      expect(classBytes(n)).toBeLessThanOrEqual(Math.max(64, n * 4 * 1.125 + 64));
      expect(classBytes(n) % 64).toBe(0);
    }
  });
});

describe('WasmHeap', () => {
  it('hands out zeroed, 64-byte aligned, non-overlapping views and counts them', () => {
    const heap = new WasmHeap(2, KERNELS_MAX_PAGES);
    const a = heap.alloc(10);
    const b = heap.alloc(10);
    expect(a.length).toBe(10);
    expect(a.byteOffset % 64).toBe(0);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 40);
    expect(heap.pointer(a)).toBeGreaterThanOrEqual(65536);
    expect(heap.liveBlocks()).toBe(2);
    a.fill(7);
    heap.release(a);
    expect(heap.liveBlocks()).toBe(1);
    const c = heap.alloc(12); // same class as 10 floats: reuses a's block, zeroed
    expect(c.byteOffset).toBe(a.byteOffset);
    expect([...c]).toEqual(new Array(12).fill(0));
    heap.release(b);
    heap.release(c);
    expect(heap.liveBlocks()).toBe(0);
  });

  it('skips the zero-fill of a reused block only when asked for uninitialized storage', () => {
    const heap = new WasmHeap(2, KERNELS_MAX_PAGES);
    const a = heap.alloc(16);
    a.fill(3);
    heap.release(a);
    const b = heap.alloc(16, true);
    expect(b.byteOffset).toBe(a.byteOffset);
    expect([...b]).toEqual(new Array(16).fill(3));
    heap.release(b);
    expect([...heap.alloc(16)]).toEqual(new Array(16).fill(0));
  });

  it('grows the memory on demand and keeps earlier views valid', () => {
    const heap = new WasmHeap(2, KERNELS_MAX_PAGES);
    const first = heap.alloc(100);
    first[99] = 42;
    const big = heap.alloc(1_000_000); // 4 MB, far beyond the initial 128 KiB
    big[999_999] = 1;
    expect(heap.memory.buffer.byteLength).toBeGreaterThanOrEqual(4_000_000);
    expect(first[99]).toBe(42);
    expect(heap.pointer(first)).toBe(first.byteOffset);
    expect(heap.pointer(big)).toBe(big.byteOffset);
  });

  it('rejects double release and storage it does not own', () => {
    const heap = new WasmHeap(2, KERNELS_MAX_PAGES);
    const a = heap.alloc(8);
    heap.release(a);
    expect(() => heap.release(a)).toThrow(/not live/);
    expect(() => heap.pointer(new Float32Array(8))).toThrow(/not allocated by it/);
  });

  it('reports running out of memory with a hint', () => {
    const heap = new WasmHeap(2, 4);
    expect(() => heap.alloc(1_000_000)).toThrow(/ran out of memory/);
  });
});

describe('WasmBackend storage', () => {
  it('pools buffers by size and returns liveBuffers to baseline', async () => {
    const backend = await WasmBackend.create(1);
    const base = backend.liveBuffers();
    const views = [3, 300, 30_000].map((n) => backend.alloc(n));
    expect(backend.liveBuffers()).toBe(base + 3);
    const offsets = views.map((v) => v.byteOffset);
    for (const v of views) {
      v.fill(1);
      backend.release(v);
    }
    expect(backend.liveBuffers()).toBe(base);
    const again = [3, 300, 30_000].map((n) => backend.alloc(n));
    expect(again.map((v) => v.byteOffset).sort()).toEqual(offsets.sort());
    for (const v of again) expect(v.every((x) => x === 0)).toBe(true);
    for (const v of again) backend.release(v);
    expect(backend.liveBuffers()).toBe(base);
    await backend.close();
  });

  it('refuses tensors from another backend with a clear message', async () => {
    const backend = await WasmBackend.create(1);
    const foreign = new JsBackend().alloc(4);
    expect(() => backend.unary('neg', foreign, backend.alloc(4))).toThrow(/not allocated by it/);
    await backend.close();
  });
});

describe('WasmBackend without shared memory', () => {
  // The unshared module is the shared one with its memory flag patched: each build must compile that way.
  it.each(relaxedSimdSupported() ? (['simd', 'relaxed'] as const) : (['simd'] as const))(
    'compiles the unshared %s build',
    async (variant) => {
      expect(kernelsValid(false, variant)).toBe(true);
      const backend = await WasmBackend.create(1, false, variant);
      const a = backend.alloc(3);
      a.set([1, 2, 3]);
      const c = backend.alloc(1);
      backend.gemm({ a, b: a, c, m: 1, n: 1, k: 3, transA: false, transB: false, alpha: 1, beta: 0 });
      expect(c[0]).toBe(14);
      await backend.close();
    },
  );

  it('runs the unshared kernels on one thread in a fixed memory', async () => {
    const backend = await WasmBackend.create(4, false);
    expect(backend.threads).toBe(1);
    const x = backend.alloc(5);
    x.set([1, -2, 3, -4, 5]);
    const out = backend.alloc(5);
    backend.unary('abs', x, out);
    expect([...out]).toEqual([1, 2, 3, 4, 5]);
    const c = backend.alloc(1);
    backend.gemm({ a: x, b: out, c, m: 1, n: 1, k: 5, transA: false, transB: false, alpha: 1, beta: 0 });
    expect(c[0]).toBe(1 - 4 + 9 - 16 + 25);
    backend.release(c);
    // Storage never moves: earlier views stay usable after many allocations.
    const more = Array.from({ length: 20 }, () => backend.alloc(1 << 20));
    expect([...x]).toEqual([1, -2, 3, -4, 5]);
    for (const v of [x, out, ...more]) backend.release(v);
    expect(() => backend.alloc(2 ** 30)).toThrow(/ran out of memory/);
    await backend.close();
  });
});
