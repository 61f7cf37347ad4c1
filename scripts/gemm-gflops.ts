/**
 * GEMM throughput of the W1 (dense 784-512-128-32-128-512-784, batch 128) shapes on the js
 * backend and the wasm backend with 1 and 2 threads, for each kernel build the host runs
 * (relaxed SIMD on Node 22+, plain SIMD everywhere). Run: npx tsx scripts/gemm-gflops.ts
 * `--workload w2` times W2's products instead (its dense layers 3136 ↔ 32 and the deep
 * convolution's three large products); `--no-js` leaves out the slow reference backend; `--cpu`
 * divides by the CPU time of the process (all its threads) instead of wall time, which on a busy
 * machine leaves out the time spent waiting for a core and on 2 threads counts the work both did.
 */

import type { Backend, GemmArgs } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js/js-backend.js';
import { argument } from '../bench/args.js';
import { createWasmBackend, relaxedSimdSupported, WasmBackend, type KernelVariant } from '../src/backend/wasm/index.js';

interface Shape {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

const W1_SHAPES: readonly Shape[] = [
  { label: 'forward  X·W      128×784·784×512 (nn)', m: 128, n: 512, k: 784, transA: false, transB: false },
  { label: 'dW = Xᵀ·dY        784×512 from 128 (tn)', m: 784, n: 512, k: 128, transA: true, transB: false },
  { label: 'dX = dY·Wᵀ        128×784 from 512 (nt)', m: 128, n: 784, k: 512, transA: false, transB: true },
];

// W2 at batch 128: Dense 3136→32 and 32→3136 (forward, input and weight gradients), and conv 2's
// im2col products (64 filters × 288 taps × 6,272 output pixels).
const W2_SHAPES: readonly Shape[] = [
  { label: 'dense 3136→32 fwd 128×3136·3136×32ᵀ', m: 128, n: 32, k: 3136, transA: false, transB: true },
  { label: 'dense 32→3136 dX  128×3136·3136×32', m: 128, n: 32, k: 3136, transA: false, transB: false },
  { label: 'dense 32→3136 dW  3136×128ᵀ·128×32', m: 3136, n: 32, k: 128, transA: true, transB: false },
  { label: 'dense 3136→32 dW  32×128ᵀ·128×3136', m: 32, n: 3136, k: 128, transA: true, transB: false },
  { label: 'dense 32→3136 fwd 128×32·32×3136ᵀ', m: 128, n: 3136, k: 32, transA: false, transB: true },
  { label: 'conv2 fwd 64×288·288×6272', m: 64, n: 6272, k: 288, transA: false, transB: false },
  { label: 'conv2 dW 64×6272·6272×288ᵀ', m: 64, n: 288, k: 6272, transA: false, transB: true },
  { label: 'conv2 dCol 288×64ᵀ·64×6272', m: 288, n: 6272, k: 64, transA: true, transB: false },
];
const workload = argument('--workload') ?? 'w1';
const SHAPES = workload === 'w2' ? W2_SHAPES : W1_SHAPES;

const onCpu = process.argv.includes('--cpu');
function now(): number {
  if (!onCpu) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

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
    const start = now();
    end = performance.now() + (seconds * 1000) / 5;
    while (performance.now() < end) {
      backend.gemm(args);
      reps++;
    }
    best = Math.max(best, (2 * m * n * k * reps) / ((now() - start) * 1e6));
  }
  backend.release(a);
  backend.release(b);
  backend.release(c);
  return best;
}

const variants: KernelVariant[] = relaxedSimdSupported() ? ['relaxed', 'simd'] : ['simd'];
const backends: [string, Backend][] = process.argv.includes('--no-js') ? [] : [['js', new JsBackend()]];
for (const kernels of variants) {
  backends.push([`${kernels} 1 thr`, await createWasmBackend({ threads: 1, kernels })]);
  backends.push([`${kernels} 2 thr`, await createWasmBackend({ threads: 2, kernels })]);
}

console.log(`GEMM GFLOPS${onCpu ? ' per CPU-second' : ''} (best of 5 rounds), ${workload.toUpperCase()} shapes, Node ${process.version}`);
console.log(['shape'.padEnd(42), ...backends.map(([name]) => name.padStart(15))].join(''));
for (const shape of SHAPES) {
  const row = [shape.label.padEnd(42)];
  for (const [, backend] of backends) row.push(gflops(backend, shape, 1.5).toFixed(1).padStart(15));
  console.log(row.join(''));
}
for (const [, backend] of backends) if (backend instanceof WasmBackend) await backend.close();
