/**
 * What the sparse GEMM paths are worth inside W1 training, paired within one run: steps alternate
 * between the backend's own choice of path (the break-even model of wasm-backend.ts) and the
 * dense path forced for every product, and the CPU time of each GEMM shape is summed per mode.
 * Both modes see the same data, the same cache state and the same machine load, so the ratio
 * holds on a busy machine where separate runs swing by 10–20%. Also prints each shape's mean
 * density (share of non-zeros) of A and B.
 *
 *   npx tsx scripts/sparse-paths.ts [--workload w1|w2] [--threads N] [--rows N] [--epochs N] [--warmup-epochs N]
 *
 * --workload w2 trains W2 (conv-mnist) instead; products inside channelsToImage are not seen.
 *
 * The first epoch (--warmup-epochs) is not counted: V8 runs wasm through its baseline compiler
 * until a function has run hot, and the first steps' products, taken in the choice mode, ran up to
 * 2.7× slower than the same products later (W2's small dense products, whose path cannot differ,
 * showed "ratios" of 1.2–2.7 when they were counted).
 *
 * The two modes train the same model alternately, so the run is a measurement, not a reference
 * training (results differ from a plain run in the last bits).
 */

import type { Backend, GemmArgs } from '../src/backend/index.js';
import { createWasmBackend, WasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { latentTrainW1 } from '../bench/latent-runner.js';
import { latentTrainW2 } from '../bench/w2-runner.js';
import { W1 } from '../bench/workloads.js';
import { W2 } from '../bench/workloads-w2.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const threads = Number(flag('--threads', '1'));
const workload = flag('--workload', 'w1');
if (workload !== 'w1' && workload !== 'w2') throw new Error(`--workload ${workload}: pass w1 or w2`);
const epochs = Number(flag('--epochs', '3'));
const backend = await createWasmBackend({ threads });
if (!(backend instanceof WasmBackend)) throw new Error('sparse-paths: the wasm backend is not available on this host');
const inner: WasmBackend = backend;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function density(x: Float32Array, length: number): number {
  let nonZeros = 0;
  for (let i = 0; i < length; i++) if (x[i] !== 0) nonZeros++;
  return nonZeros / length;
}

interface ShapeStats {
  /** CPU ms with the backend's choice, and with the dense path forced. */
  readonly ms: [number, number];
  densityA: number;
  densityB: number;
  calls: number;
}

const { train } = loadMnist();
const rows = Math.min(Number(flag('--rows', workload === 'w1' ? '7680' : '1024')), train.x.rows);
const stepsPerEpoch = Math.ceil(rows / (workload === 'w1' ? W1.batchSize : W2.batchSize));
const warmupSteps = Number(flag('--warmup-epochs', '1')) * stepsPerEpoch;
if (warmupSteps >= epochs * stepsPerEpoch) throw new Error('sparse-paths: --epochs must exceed --warmup-epochs');

const stats = new Map<string, ShapeStats>();
// One optimizer hand-off per step counts the steps (startDeferred when the updates run in the
// background, adamGroup when they run at once), and the mode flips with each.
let steps = 0;
const timed = new Proxy(inner, {
  get(target, key, receiver) {
    const value: unknown = Reflect.get(target, key, receiver);
    if (typeof value !== 'function') return value;
    if (key === 'startDeferred' || key === 'adamGroup') steps++;
    if (key !== 'gemm') return value.bind(target);
    return (g: GemmArgs) => {
      const name = `${g.m}×${g.k}${g.transA ? 'ᵀ' : ''}·${g.k}×${g.n}${g.transB ? 'ᵀ' : ''}${g.beta !== 0 ? ' +C' : ''}`;
      const mode = steps % 2;
      target.sparseLimits = mode === 0 ? undefined : { a: -1, b: -1 };
      const start = cpuMs();
      target.gemm(g);
      const spent = cpuMs() - start;
      target.sparseLimits = undefined;
      if (steps < warmupSteps) return;
      const entry = stats.get(name) ?? { ms: [0, 0], densityA: 0, densityB: 0, calls: 0 };
      entry.ms[mode] += spent;
      entry.densityA += density(g.a, g.m * g.k);
      entry.densityB += density(g.b, g.k * g.n);
      entry.calls++;
      stats.set(name, entry);
    };
  },
}) as Backend;

await (workload === 'w1' ? latentTrainW1 : latentTrainW2)(timed, train.x.data.subarray(0, rows * train.x.cols), rows, epochs);

console.log(
  `${workload.toUpperCase()}, ${rows} rows × ${epochs} epochs, ${threads} thread(s), ${inner.kernels} kernels, ${steps} steps alternating, the first ${warmupSteps} not counted`,
);
console.log(
  `${'GEMM (m×k·k×n)'.padEnd(22)} ${'density A'.padStart(9)} ${'density B'.padStart(9)} ${'chosen ms'.padStart(10)} ${'dense ms'.padStart(9)}  ratio`,
);
const total = [0, 0];
for (const [name, { ms, densityA, densityB, calls }] of [...stats].sort((x, y) => y[1].ms[1] - x[1].ms[1])) {
  total[0]! += ms[0];
  total[1]! += ms[1];
  console.log(
    `${name.padEnd(22)} ${(densityA / calls).toFixed(2).padStart(9)} ${(densityB / calls).toFixed(2).padStart(9)} ${ms[0].toFixed(0).padStart(10)} ${ms[1].toFixed(0).padStart(9)}  ${(ms[0] / ms[1]).toFixed(2)}`,
  );
}
console.log(
  `${'all GEMMs'.padEnd(42)} ${total[0]!.toFixed(0).padStart(10)} ${total[1]!.toFixed(0).padStart(9)}  ${(total[0]! / total[1]!).toFixed(2)}`,
);
await inner.close();
process.exit(0);
