/**
 * Where a reference workload spends its time: wraps every kernel of the wasm backend with a
 * timer, runs the workload (W1 or W2 training epochs, or W3 encoding passes) and prints the share
 * of each kernel and of everything else (batch gathering, copies, pool and tape bookkeeping).
 *
 *   npx tsx scripts/profile.ts [--workload w1|w2|w3] [--threads N] [--rows N] [--shapes]
 *
 * The profiler's own clock reads (two per timed call, calibrated at start) are shown on their own
 * line rather than inside "outside kernels".
 * --plain makes W3 pass plain matrices (copied in per batch) instead of rows placed in backend memory once.
 * --cpu measures CPU time instead of wall time (steadier on a busy machine); --shapes lists GEMM calls by shape (m×k·k×n, ᵀ for a transposed operand, +C when accumulating).
 */

import type { Backend } from '../src/backend/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { repeat } from '../bench/interleave.js';
import { latentEncodeW3, latentTrainW1, latentW3Encoder } from '../bench/latent-runner.js';
import { latentTrainW2 } from '../bench/w2-runner.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const workload = flag('--workload', 'w1');
const threads = Number(flag('--threads', '1'));
const rows = Number(flag('--rows', workload === 'w2' ? '1024' : '4096'));
const byShape = process.argv.includes('--shapes');
// W3 passes its batches as plain matrices (copied in by each encode call) instead of slices of rows placed once.
const w3Input = process.argv.includes('--plain') ? 'plain' : 'placed';
// CPU time of the process (all threads) instead of wall time: on a busy machine it leaves out the
// time this process waited for a core, so shares are steadier from run to run.
const onCpu = process.argv.includes('--cpu');
function now(): number {
  if (!onCpu) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const inner = await createWasmBackend({ threads });
type GemmArgs = Parameters<Backend['gemm']>[0];
// GEMM calls keyed by shape and transposes (with --shapes), to see which products dominate.
function gemmName(g: GemmArgs): string {
  return `gemm ${g.m}×${g.k}${g.transA ? 'ᵀ' : ''}·${g.k}×${g.n}${g.transB ? 'ᵀ' : ''}${g.beta !== 0 ? ' +C' : ''}`;
}
const spent = new Map<string, { ms: number; calls: number }>();
const timed = new Proxy(inner, {
  get(target, key, receiver) {
    const value: unknown = Reflect.get(target, key, receiver);
    if (typeof value !== 'function' || key === 'alloc' || key === 'release' || key === 'liveBuffers') {
      return typeof value === 'function' ? value.bind(target) : value;
    }
    return (...args: unknown[]) => {
      const start = now();
      const result: unknown = value.apply(target, args);
      const name = key === 'gemm' && byShape ? gemmName(args[0] as GemmArgs) : String(key);
      const entry = spent.get(name) ?? { ms: 0, calls: 0 };
      entry.ms += now() - start;
      entry.calls++;
      spent.set(name, entry);
      return result;
    };
  },
}) as Backend;

// What one clock read costs (process.cpuUsage() is a system call): each timed kernel call reads
// the clock twice, and those reads would otherwise count as work outside kernels.
function clockReadMs(): number {
  const reads = 20_000;
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < reads; i++) sink += now();
  const each = (performance.now() - started) / reads;
  return sink === -1 ? 0 : each;
}
const clockRead = clockReadMs();

const { train, test } = loadMnist();
const data = new Float32Array(train.x.data.length + test.x.data.length);
data.set(train.x.data);
data.set(test.x.data, train.x.data.length);
const n = Math.min(rows, train.x.rows);
// W3 passes are short: an untimed warm-up keeps JIT compilation and first-touch allocation out
// of the shares.
if (workload === 'w3') await latentEncodeW3(inner, data, 2, w3Input);
// Training workloads likewise: one untimed epoch on their own model, so that the timed epochs run
// the kernels' optimised code (V8 first runs wasm through its baseline compiler).
else await (workload === 'w2' ? latentTrainW2 : latentTrainW1)(inner, data, Math.min(n, 1024), 1);
// Placing W3's rows in backend memory happens before the clock, as in the benchmark.
const w3 = workload === 'w3' ? latentW3Encoder('latent', timed, data, w3Input) : null;
const start = now();
const rates = w3 ? await repeat(w3, 3) : await (workload === 'w2' ? latentTrainW2 : latentTrainW1)(timed, data, n, 3);
const total = now() - start;
const what = workload === 'w3' ? '3 passes of W3' : `${workload.toUpperCase()}, ${n} rows × 3 epochs`;
console.log(`${what}, wasm ${threads} thread(s): ${rates.map((r) => r.toFixed(0)).join(', ')} samples/s`);
let kernels = 0;
let calls = 0;
for (const [name, { ms, calls: count }] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
  kernels += ms;
  calls += count;
  console.log(`${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${count} calls`);
}
const clockMs = Math.min(2 * calls * clockRead, total - kernels);
function line(label: string, ms: number): string {
  return `${label.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
}
console.log(line('outside kernels', total - kernels - clockMs));
console.log(line("profiler's clock reads", clockMs));
process.exit(0);
