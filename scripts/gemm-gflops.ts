/**
 * GEMM throughput of the W1 (dense 784-512-128-32-128-512-784, batch 128) shapes on the js
 * backend and the wasm backend with 1 and 2 threads, for each kernel build the host runs
 * (relaxed SIMD on Node 22+, plain SIMD everywhere). Run: npx tsx scripts/gemm-gflops.ts
 */

import type { Backend, GemmArgs } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js/js-backend.js';
import { createWasmBackend, relaxedSimdSupported, WasmBackend, type KernelVariant } from '../src/backend/wasm/index.js';

interface Shape {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

const SHAPES: readonly Shape[] = [
  { label: 'forward  X·W      128×784·784×512 (nn)', m: 128, n: 512, k: 784, transA: false, transB: false },
  { label: 'dW = Xᵀ·dY        784×512 from 128 (tn)', m: 784, n: 512, k: 128, transA: true, transB: false },
  { label: 'dX = dY·Wᵀ        128×784 from 512 (nt)', m: 128, n: 784, k: 512, transA: false, transB: true },
];

function gflops(backend: Backend, shape: Shape, seconds: number): number {
  const { m, n, k } = shape;
  const a = backend.alloc(m * k);
  const b = backend.alloc(k * n);
  const c = backend.alloc(m * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
  const args: GemmArgs = { ...shape, a, b, c, alpha: 1, beta: 0 };
  // Warm up long enough for the engine to optimise the hot code.
  let end = performance.now() + 300;
  while (performance.now() < end) backend.gemm(args);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let reps = 0;
    const start = performance.now();
    end = start + (seconds * 1000) / 5;
    while (performance.now() < end) {
      backend.gemm(args);
      reps++;
    }
    best = Math.max(best, (2 * m * n * k * reps) / ((performance.now() - start) * 1e6));
  }
  backend.release(a);
  backend.release(b);
  backend.release(c);
  return best;
}

const variants: KernelVariant[] = relaxedSimdSupported() ? ['relaxed', 'simd'] : ['simd'];
const backends: [string, Backend][] = [['js', new JsBackend()]];
for (const kernels of variants) {
  backends.push([`${kernels} 1 thr`, await createWasmBackend({ threads: 1, kernels })]);
  backends.push([`${kernels} 2 thr`, await createWasmBackend({ threads: 2, kernels })]);
}

console.log(`GEMM GFLOPS (best of 5 rounds), W1 shapes, Node ${process.version}`);
console.log(['shape'.padEnd(42), ...backends.map(([name]) => name.padStart(15))].join(''));
for (const shape of SHAPES) {
  const row = [shape.label.padEnd(42)];
  for (const [, backend] of backends) row.push(gflops(backend, shape, 1.5).toFixed(1).padStart(15));
  console.log(row.join(''));
}
for (const [, backend] of backends) if (backend instanceof WasmBackend) await backend.close();
