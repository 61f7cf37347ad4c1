/**
 * GEMM throughput on the reference workloads' shapes.
 *
 * Default: the W1 (dense 784-512-128-32-128-512-784, batch 128) shapes on dense operands, on the
 * js backend and the wasm backend with 1 and 2 threads, for each kernel build the host runs
 * (relaxed SIMD on Node 22+, plain SIMD everywhere). `--workload w2` times W2's products instead
 * (its dense layers 3136 ↔ 32 and the deep convolution's three large products); `--no-js` leaves
 * out the slow reference backend; `--cpu` divides by the CPU time of the process (all its
 * threads) instead of wall time, which on a busy machine leaves out the time spent waiting for a
 * core and on 2 threads counts the work both did.
 *
 * --sparse: for the products whose operand is mostly zero in training (ReLU outputs, ReLU-masked
 * gradients, MNIST pixels), the CPU time per call of the dense path and of the sparse path at a
 * range of densities (random zero patterns, seeded), on one thread, and the sparse path's rate of
 * real work (2·non-zeros·n flops per second). The density where the two times cross is the
 * break-even that the backend's thresholds come from (wasm-backend.ts).
 *
 * --cold evicts the caches before each call (as in training, where other layers ran in between)
 * and takes the eviction's time off, in both modes. In the dense mode `--kernels relaxed|simd`
 * and `--threads 1|2` time one build or one thread count only.
 *
 *   npx tsx scripts/gemm-gflops.ts [--no-js] [--cpu] [--workload w1|w2] [--kernels relaxed|simd]
 *     [--threads 1|2] [--cold]
 *   npx tsx scripts/gemm-gflops.ts --sparse [--kernels relaxed|simd] [--densities 0.2,0.4,...]
 *     [--only label-substring] [--ms per-measurement] [--cold]
 */

import type { Backend, GemmArgs } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js/js-backend.js';
import { argument } from '../bench/args.js';
import { fillSparse, random, SPARSE_SHAPES, sparsePathOnly, type Shape } from './gemm-shapes.js';
import { createWasmBackend, relaxedSimdSupported, WasmBackend, type KernelVariant } from '../src/backend/wasm/index.js';

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

/**
 * --cold: a buffer larger than L2 plus this process's share of L3, read before each call so that
 * the operands come from memory as in training; its own time per read is measured and taken off.
 */
const coldCaches = process.argv.includes('--cold');
const evictBuffer = new Float32Array(coldCaches ? 4 << 20 : 0);
let evictSink = 0;
function evictCaches(): void {
  for (let i = 0; i < evictBuffer.length; i += 16) evictSink += evictBuffer[i]!;
}

/** Milliseconds (by the clock `now` reads) of one cache eviction, median of 9 rounds. */
function evictionMs(): number {
  if (!coldCaches) return 0;
  const rounds: number[] = [];
  for (let round = 0; round < 9; round++) {
    const start = now();
    for (let i = 0; i < 20; i++) evictCaches();
    rounds.push((now() - start) / 20);
  }
  return rounds.sort((x, y) => x - y)[4]!;
}

function gflops(backend: Backend, shape: Shape, seconds: number): number {
  const { m, n, k } = shape;
  const a = backend.alloc(m * k);
  const b = backend.alloc(k * n);
  const c = backend.alloc(m * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
  const args: GemmArgs = { ...shape, a, b, c, alpha: 1, beta: 0 };
  const call = (): void => {
    if (coldCaches) evictCaches();
    backend.gemm(args);
  };
  // Warm up long enough for the engine to optimise the hot code.
  let end = performance.now() + 300;
  while (performance.now() < end) call();
  const eviction = evictionMs();
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let reps = 0;
    const start = now();
    end = performance.now() + (seconds * 1000) / 5;
    while (performance.now() < end) {
      call();
      reps++;
    }
    best = Math.max(best, (2 * m * n * k * reps) / ((now() - start - reps * eviction) * 1e6));
  }
  backend.release(a);
  backend.release(b);
  backend.release(c);
  return best;
}

/** CPU milliseconds per call (median of rounds, each at least `ms` long) of `run`. */
function cpuMsPerCall(run: () => void, ms: number): number {
  const cpu = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  for (let end = performance.now() + 150; performance.now() < end;) run();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = cpu();
    let calls = 0;
    while (cpu() - start < ms / 5) {
      run();
      calls++;
    }
    rounds.push((cpu() - start) / calls);
  }
  rounds.sort((x, y) => x - y);
  return rounds[2]!;
}

async function sparseTable(): Promise<void> {
  const kernels = (argument('--kernels') ?? (relaxedSimdSupported() ? 'relaxed' : 'simd')) as KernelVariant;
  const densities = (argument('--densities') ?? '0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8').split(',').map(Number);
  const only = argument('--only');
  const ms = Number(argument('--ms') ?? '400');
  const flush = (): void => {
    if (coldCaches) evictCaches();
  };
  const flushMs = coldCaches ? cpuMsPerCall(evictCaches, ms) : 0;
  const backend = await createWasmBackend({ threads: 1, kernels });
  if (!(backend instanceof WasmBackend)) throw new Error('gemm-gflops --sparse: the wasm backend is not available');
  const defaults = backend.sparseLimits;
  console.log(`Sparse GEMM paths vs dense, ${kernels} kernels, 1 thread, CPU ms per call, Node ${process.version}`);
  console.log('density:        dense ms | sparse ms (sparse/dense, real GFLOPS)');
  for (const shape of SPARSE_SHAPES) {
    if (only !== undefined && !shape.label.includes(only)) continue;
    const { m, n, k } = shape;
    const a = backend.alloc(m * k);
    const b = backend.alloc(k * n);
    const c = backend.alloc(m * n);
    const next = random(7);
    const args: GemmArgs = { ...shape, a, b, c, alpha: 1, beta: 0 };
    const cells: string[] = [];
    let dense = 0;
    for (const density of densities) {
      const sparseNonZeros = fillSparse(shape.sparse === 'a' ? a : b, density, next);
      fillSparse(shape.sparse === 'a' ? b : a, shape.otherDensity, next);
      if (dense === 0) {
        // The dense kernel's time does not depend on the values: measure it once.
        backend.sparseLimits = { a: -1, b: -1 };
        dense = cpuMsPerCall(() => (flush(), backend.gemm(args)), ms) - flushMs;
      }
      backend.sparseLimits = sparsePathOnly(shape);
      const sparse = cpuMsPerCall(() => (flush(), backend.gemm(args)), ms) - flushMs;
      const real = (2 * sparseNonZeros * (shape.sparse === 'a' ? n : m)) / (sparse * 1e6);
      cells.push(`${density}: ${sparse.toFixed(3)} (${(sparse / dense).toFixed(2)}, ${real.toFixed(1)})`);
    }
    backend.sparseLimits = defaults;
    console.log(`${shape.label} [${shape.seen}]  dense ${dense.toFixed(3)} ms`);
    console.log(`  ${cells.join('  ')}`);
    backend.release(a);
    backend.release(b);
    backend.release(c);
  }
  if (evictSink === -1) console.log('');
  await backend.close();
}

async function denseTable(): Promise<void> {
  const only = argument('--kernels') as KernelVariant | undefined;
  const variants: KernelVariant[] = only !== undefined ? [only] : relaxedSimdSupported() ? ['relaxed', 'simd'] : ['simd'];
  const threadCounts = (argument('--threads') ?? '1,2').split(',').map(Number);
  const backends: [string, Backend][] = process.argv.includes('--no-js') ? [] : [['js', new JsBackend()]];
  for (const kernels of variants) {
    for (const threads of threadCounts) {
      backends.push([`${kernels} ${threads} thr`, await createWasmBackend({ threads, kernels })]);
    }
  }
  const how = `${onCpu ? ' per CPU-second' : ''}${coldCaches ? ', caches evicted before each call' : ''}`;
  console.log(`GEMM GFLOPS${how} (best of 5 rounds), ${workload.toUpperCase()} shapes, Node ${process.version}`);
  console.log(['shape'.padEnd(42), ...backends.map(([name]) => name.padStart(15))].join(''));
  for (const shape of SHAPES) {
    const row = [shape.label.padEnd(42)];
    for (const [, backend] of backends) row.push(gflops(backend, shape, 1.5).toFixed(1).padStart(15));
    console.log(row.join(''));
  }
  for (const [, backend] of backends) if (backend instanceof WasmBackend) await backend.close();
  if (evictSink === -1) console.log('');
}

if (process.argv.includes('--sparse')) await sparseTable();
else await denseTable();
