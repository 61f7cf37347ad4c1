/**
 * GFLOPS of the three W1 GEMM shapes on a backend: forward (128×784 · 784×512), the weight
 * gradient (Xᵀ·dY: 784×128 · 128×512) and the input gradient (dY·Wᵀ: 128×512 · 512×784), on
 * dense operands; then the forward shape with 128 MNIST digits as A (about 80% zeros), counted
 * as the dense product's flops so the column shows what skipping zeros is worth.
 */

import type { Backend } from '../src/backend/index.js';
import { median } from './workloads.js';

export const GEMM_SHAPES = [
  { name: 'fwd 128×784·784×512', m: 128, n: 512, k: 784, transA: false, transB: false },
  { name: 'dW 784×128ᵀ·128×512', m: 784, n: 512, k: 128, transA: true, transB: false },
  { name: 'dX 128×512·(784×512)ᵀ', m: 128, n: 784, k: 512, transA: false, transB: true },
  { name: 'fwd, A = MNIST digits', m: 128, n: 512, k: 784, transA: false, transB: false, digits: true },
] as const;

/** GFLOPS per shape; `digits` holds MNIST rows of 784 pixels for the last shape. */
export function gemmGflops(backend: Backend, reps: number, digits: Float32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of GEMM_SHAPES) {
    const a = backend.alloc(s.m * s.k);
    const b = backend.alloc(s.k * s.n);
    const c = backend.alloc(s.m * s.n);
    if ('digits' in s) a.set(digits.subarray(0, a.length));
    else for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
    const times: number[] = [];
    const calls = backend.name === 'js' ? 2 : 20;
    for (let r = 0; r < reps + 1; r++) {
      const start = performance.now();
      for (let i = 0; i < calls; i++)
        backend.gemm({ a, b, c, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB, alpha: 1, beta: 0 });
      times.push((performance.now() - start) / 1000 / calls);
    }
    out[s.name] = (2 * s.m * s.n * s.k) / median(times.slice(1)) / 1e9;
    backend.release(a);
    backend.release(b);
    backend.release(c);
  }
  return out;
}
