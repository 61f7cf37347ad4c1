/**
 * Quick paired comparison of latent wasm against PyTorch on one workload and thread count:
 * interleaved rounds, ratio within each round, median and range over rounds. For measuring one
 * change at a time on a busy machine; `npm run bench` remains the full benchmark.
 *
 *   npx tsx scripts/versus.ts [--workload w1|w2|w3] [--threads N] [--rounds N] [--rows N] [--kernels simd|relaxed] [--plain]
 *
 * --plain: W3 passes each batch as a plain matrix (copied in by encode) instead of a slice of rows placed once.
 */

import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { latentW1Trainer, latentW3Encoder } from '../bench/latent-runner.js';
import { latentW2Trainer } from '../bench/w2-runner.js';
import { describeRatios, interleave, type Contender } from '../bench/interleave.js';
import { describeThreadpools, PytorchSession, type PytorchWorkload } from '../bench/pytorch-runner.js';
import { median } from '../bench/workloads.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const workload = flag('--workload', 'w2') as PytorchWorkload;
const threads = Number(flag('--threads', '1'));
const rounds = Number(flag('--rounds', '5'));
const rows = Number(flag('--rows', workload === 'w2' ? '512' : '2048'));
const kernels = flag('--kernels', '');
const { train, test } = loadMnist();
const data = new Float32Array(train.x.data.length + test.x.data.length);
data.set(train.x.data);
data.set(test.x.data, train.x.data.length);
const backend = await createWasmBackend(kernels === 'simd' || kernels === 'relaxed' ? { threads, kernels } : { threads });
const latent: Contender =
  workload === 'w1'
    ? latentW1Trainer('latent', backend, data, rows)
    : workload === 'w3'
      ? latentW3Encoder('latent', backend, data, process.argv.includes('--plain') ? 'plain' : 'placed')
      : latentW2Trainer('latent', backend, data, rows);
const torch = await PytorchSession.start(data, threads, { w1: rows, w2: rows });
if (torch === null) throw new Error('no python3 here imports torch');
console.log(`pytorch ${torch.version}: ${describeThreadpools(torch.threadpools)}`);
// Samples per CPU-second beside the wall-clock rates (1 thread: the steadier measure on a busy
// machine; with more threads PyTorch's spinning OpenMP threads count as busy).
const cpuRates = { latent: [] as number[], pytorch: [] as number[] };
const samples = workload === 'w3' ? 10_000 : rows;
const ownCpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const timedByCpu = (name: 'latent' | 'pytorch', rep: () => Promise<number>, cpu: () => number | null): Contender => ({
  system: name,
  rep: async () => {
    const start = cpu();
    const rate = await rep();
    const end = cpu();
    if (start !== null && end !== null) cpuRates[name].push(samples / (end - start));
    return rate;
  },
});
const results = await interleave(
  [
    timedByCpu('latent', () => latent.rep(), ownCpu),
    timedByCpu(
      'pytorch',
      () => torch.rep(workload),
      () => torch.cpuSeconds(),
    ),
  ],
  'pytorch',
  rounds,
  1,
);
await torch.close();
// The warm-up round is the first entry of each list.
const cpuLatent = cpuRates.latent.slice(1),
  cpuTorch = cpuRates.pytorch.slice(1);
if (cpuTorch.length === cpuLatent.length && cpuTorch.length > 0) {
  console.log(
    `per CPU-second: latent ${median(cpuLatent).toFixed(0)}, pytorch ${median(cpuTorch).toFixed(0)}; ratio ${describeRatios(cpuLatent.map((r, i) => r / cpuTorch[i]!))}`,
  );
}
for (const r of results)
  console.log(`${r.system.padEnd(8)} median ${median(r.rates).toFixed(0)} samples/s: ${r.rates.map((x) => x.toFixed(0)).join(' ')}`);
console.log(`${workload} ${threads} thread(s): latent / pytorch = ${describeRatios(results[0]!.ratios)}`);
process.exit(0);
