/**
 * The sparse GEMM paths of this checkout against another checkout of latent, call by call in one
 * process: each has its own wasm backend (one thread) and its own copy of the same seeded
 * operands, and the two are timed alternately (order swapped every call), so both see the same
 * moments of a busy machine. Prints the median time of each and their ratio this/other per shape
 * of scripts/gemm-shapes.ts and density. Each shape is forced onto its sparse path (the
 * mostly-zero operand named), so a change to that path is measured even where the backend would
 * choose the dense one.
 *
 *   npx tsx scripts/paired-gemm.ts --other /path/to/other/checkout [--calls 200] [--threads 1]
 *
 * With --threads 2 each backend runs on two threads; the idle one's workers spin briefly after
 * each of its calls, which the swapped order charges to both alike.
 */

import { argument } from '../bench/args.js';
import { median } from '../bench/workloads.js';
import type { Backend } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import type { SparseGemmLimits } from '../src/backend/wasm/wasm-backend.js';
import { fillSparse, random, SPARSE_SHAPES, sparsePathOnly, type SparseShape } from './gemm-shapes.js';

const other = argument('--other');
if (other === undefined) throw new Error('pass --other /path/to/another/checkout');
const calls = Number(argument('--calls') ?? '200');
const threads = Number(argument('--threads') ?? '1');

/** The shapes timed (labels of SPARSE_SHAPES) and the densities of their mostly-zero operand. */
const DENSITIES: ReadonlyMap<string, readonly number[]> = new Map([
  ['W2 conv2 W·cols', [0.01, 0.33]],
  ['W2 conv2 dZ·colsᵀ', [0.01, 0.45]],
  ['W1 L1 fwd X·W1ᵀ', [0.19]],
  ['W1 dW1 = dZ1ᵀ·X', [0.19]],
]);

/** One call of `shape` on `backend` over freshly filled operands (the same for every backend). */
function product(backend: Backend, shape: SparseShape, density: number): () => void {
  const next = random(5);
  const a = backend.alloc(shape.m * shape.k);
  const b = backend.alloc(shape.k * shape.n);
  const c = backend.alloc(shape.m * shape.n);
  // The other operand at the shape's own density (1 for dense).
  fillSparse(a, shape.sparse === 'a' ? density : shape.otherDensity, next);
  fillSparse(b, shape.sparse === 'b' ? density : shape.otherDensity, next);
  // Both checkouts' WasmBackend classes have sparseLimits; they are different classes, hence the cast.
  (backend as Backend & { sparseLimits: SparseGemmLimits | undefined }).sparseLimits = sparsePathOnly(shape);
  const { m, n, k, transA, transB } = shape;
  return () => backend.gemm({ a, b, c, m, n, k, transA, transB, alpha: 1, beta: 0 });
}

type Wasm = typeof import('../src/backend/wasm/index.js');
const otherWasm = (await import(`${other}/src/backend/wasm/index.ts`)) as Wasm;
const backends: Backend[] = [await createWasmBackend({ threads }), await otherWasm.createWasmBackend({ threads })];
console.log(
  `Sparse GEMM paths, this checkout against ${other}, ${threads} thread(s), ${calls} calls each alternating, Node ${process.version}`,
);
for (const shape of SPARSE_SHAPES) {
  const densities = [...DENSITIES].find(([label]) => shape.label.startsWith(label))?.[1] ?? [];
  for (const density of densities) {
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
