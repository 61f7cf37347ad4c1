/**
 * Where a W1 training step spends its time: wraps every kernel of the wasm backend with a timer,
 * trains W1 for a few epochs and prints the share of each kernel and of everything else.
 *
 *   npx tsx scripts/profile-w1.ts [--threads N] [--rows N]
 */

import type { Backend } from '../src/backend/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { latentTrainW1 } from '../bench/latent-runner.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const threads = flag('--threads', 1);
const rows = flag('--rows', 4096);
const inner = await createWasmBackend({ threads });
const spent = new Map<string, { ms: number; calls: number }>();
const timed = new Proxy(inner, {
  get(target, key, receiver) {
    const value: unknown = Reflect.get(target, key, receiver);
    if (typeof value !== 'function' || key === 'alloc' || key === 'release' || key === 'liveBuffers') {
      return typeof value === 'function' ? value.bind(target) : value;
    }
    return (...args: unknown[]) => {
      const start = performance.now();
      const result: unknown = value.apply(target, args);
      const entry = spent.get(String(key)) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - start;
      entry.calls++;
      spent.set(String(key), entry);
      return result;
    };
  },
}) as Backend;

const { train } = loadMnist();
const start = performance.now();
const rates = await latentTrainW1(timed, train.x.data, Math.min(rows, train.x.rows), 3);
const total = performance.now() - start;
console.log(`W1, wasm ${threads} thread(s), ${rows} rows × 3 epochs: ${rates.map((r) => r.toFixed(0)).join(', ')} samples/s`);
let kernels = 0;
for (const [name, { ms, calls }] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
  kernels += ms;
  console.log(`${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${calls} calls`);
}
console.log(
  `${'outside kernels'.padEnd(24)} ${(total - kernels).toFixed(0).padStart(7)} ms ${((100 * (total - kernels)) / total).toFixed(1).padStart(5)}%`,
);
process.exit(0);
