/**
 * W1 (or W2) training epochs of this checkout against another checkout of latent (an older commit in a
 * git worktree with node_modules linked), in one process: each has its own wasm backend and
 * model, and they alternate epoch by epoch (order swapped every round), so both see the same
 * moments of a busy machine. Prints the median per-round ratio this/other by wall time and per
 * CPU-second of the process, each round's ratio, and the best epoch of each.
 *
 *   npx tsx scripts/paired-trees.ts --other /path/to/other/checkout [--threads 2] [--rounds 20] [--rows 4096] [--workload w1|w2]
 */

import { argument } from '../bench/args.js';
import { latentW1Trainer } from '../bench/latent-runner.js';
import { latentW2Trainer } from '../bench/w2-runner.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';

const other = argument('--other');
if (other === undefined) throw new Error('pass --other /path/to/another/checkout');
const threads = Number(argument('--threads') ?? '2');
const rounds = Number(argument('--rounds') ?? '20');
const workload = argument('--workload') ?? 'w1';
if (workload !== 'w1' && workload !== 'w2') throw new Error(`--workload ${workload}: pass w1 or w2`);
const rows = Number(argument('--rows') ?? (workload === 'w1' ? '4096' : '1024'));

type Trainer = typeof latentW1Trainer;
type Wasm = typeof import('../src/backend/wasm/index.js');
const otherWasm = (await import(`${other}/src/backend/wasm/index.ts`)) as Wasm;
const otherTrainer: Trainer =
  workload === 'w1'
    ? ((await import(`${other}/bench/latent-runner.ts`)) as { latentW1Trainer: Trainer }).latentW1Trainer
    : ((await import(`${other}/bench/w2-runner.ts`)) as { latentW2Trainer: Trainer }).latentW2Trainer;
const trainer: Trainer = workload === 'w1' ? latentW1Trainer : latentW2Trainer;

const data = loadMnist().train.x.data;
const mine = trainer('this', await createWasmBackend({ threads }), data, rows);
const theirs = otherTrainer('other', await otherWasm.createWasmBackend({ threads }), data, rows);
// Untimed first epochs: compilation and first-touch allocation.
await mine.rep();
await theirs.rep();

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const wall: number[] = [];
const perCpu: number[] = [];
let best = { this: 0, other: 0 };
for (let round = 0; round < rounds; round++) {
  const result = new Map<string, { rate: number; cpu: number }>();
  for (const contender of round % 2 === 0 ? [theirs, mine] : [mine, theirs]) {
    const start = cpuMs();
    const rate = await contender.rep();
    result.set(contender.system, { rate, cpu: cpuMs() - start });
  }
  const a = result.get('this')!;
  const b = result.get('other')!;
  wall.push(a.rate / b.rate);
  perCpu.push(b.cpu / a.cpu);
  best = { this: Math.max(best.this, a.rate), other: Math.max(best.other, b.rate) };
}
console.log(
  `${workload.toUpperCase()}, ${rows} rows, ${threads} thread(s), ${rounds} rounds: this/other ${median(wall).toFixed(3)} by wall time ` +
    `(${wall.map((r) => r.toFixed(2)).join(' ')}), ${median(perCpu).toFixed(3)} per CPU-second; ` +
    `best epochs ${best.this.toFixed(0)} and ${best.other.toFixed(0)} samples/s`,
);
process.exit(0);
