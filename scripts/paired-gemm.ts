/**
 * The sparse GEMM paths of this checkout against another checkout of latent, call by call in one
 * process: each has its own wasm backend (one thread) and its own copy of the same seeded
 * operands, and the two are timed alternately (order swapped every call), so both see the same
 * moments of a busy machine. Prints the median time of each and their ratio this/other per shape
 * and density. Each shape is forced onto its sparse path (the mostly-zero operand named), so a
 * change to that path is measured even where the backend would choose the dense one.
 *
 *   npx tsx scripts/paired-gemm.ts --other /path/to/other/checkout [--calls 200]
 */

import { argument } from '../bench/args.js';
import type { Backend } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import type { SparseGemmLimits } from '../src/backend/wasm/wasm-backend.js';

const other = argument('--other');
if (other === undefined) throw new Error('pass --other /path/to/another/checkout');
const calls = Number(argument('--calls') ?? '200');

interface SparseShape {
  readonly label: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** The operand that is mostly zeros; the other is dense. */
  readonly sparse: 'a' | 'b';
  readonly densities: readonly number[];
}

// W2's forward and weight-gradient convolution products, W1's first layer's forward and weight gradient.
const SHAPES: readonly SparseShape[] = [
  { label: 'W2 conv2 W·cols 64×288·288×6272', m: 64, k: 288, n: 6272, transA: false, transB: false, sparse: 'b', densities: [0.01, 0.33] },
  {
    label: 'W2 conv2 dZ·colsᵀ 64×6272·6272×288ᵀ',
    m: 64,
    k: 6272,
    n: 288,
    transA: false,
    transB: true,
    sparse: 'a',
    densities: [0.01, 0.45],
  },
  { label: 'W1 X·W1ᵀ 128×784·784×512ᵀ', m: 128, k: 784, n: 512, transA: false, transB: true, sparse: 'a', densities: [0.19] },
  { label: 'W1 dZ1ᵀ·X 512×128ᵀ·128×784', m: 512, k: 128, n: 784, transA: true, transB: false, sparse: 'b', densities: [0.19] },
];

/** A seeded generator (mulberry32), so both checkouts get the same operands. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The backend's sparse limits, set so that `shape` takes its sparse path. */
function forceSparse(backend: Backend, shape: SparseShape): void {
  const limits: SparseGemmLimits = shape.sparse === 'a' ? { a: 2, b: -1 } : { a: -1, b: 2 };
  (backend as Backend & { sparseLimits: SparseGemmLimits | undefined }).sparseLimits = limits;
}

/** One call of `shape` on `backend` over freshly filled operands (the same for every backend). */
function product(backend: Backend, shape: SparseShape, density: number): () => void {
  const next = random(5);
  const fill = (x: Float32Array, sparse: boolean): void => {
    for (let i = 0; i < x.length; i++) x[i] = sparse ? (next() < density ? next() : 0) : next();
  };
  const a = backend.alloc(shape.m * shape.k);
  const b = backend.alloc(shape.k * shape.n);
  const c = backend.alloc(shape.m * shape.n);
  fill(a, shape.sparse === 'a');
  fill(b, shape.sparse === 'b');
  forceSparse(backend, shape);
  const { m, n, k, transA, transB } = shape;
  return () => backend.gemm({ a, b, c, m, n, k, transA, transB, alpha: 1, beta: 0 });
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1]!;
}

type Wasm = typeof import('../src/backend/wasm/index.js');
const otherWasm = (await import(`${other}/src/backend/wasm/index.ts`)) as Wasm;
const backends: Backend[] = [await createWasmBackend({ threads: 1 }), await otherWasm.createWasmBackend({ threads: 1 })];
console.log(`Sparse GEMM paths, this checkout against ${other}, 1 thread, ${calls} calls each alternating, Node ${process.version}`);
for (const shape of SHAPES) {
  for (const density of shape.densities) {
    const runs = backends.map((backend) => product(backend, shape, density));
    const times: number[][] = [[], []];
    for (let warm = 0; warm < 20; warm++) runs.forEach((run) => run());
    for (let call = 0; call < calls; call++) {
      for (const j of call % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = performance.now();
        runs[j]!();
        times[j]!.push(performance.now() - start);
      }
    }
    const [mine, theirs] = times.map(median) as [number, number];
    console.log(
      `${shape.label} at ${density}: this ${mine.toFixed(3)} ms, other ${theirs.toFixed(3)} ms, ratio ${(mine / theirs).toFixed(3)}`,
    );
  }
}
process.exit(0);
