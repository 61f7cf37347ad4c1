/**
 * Inference speed of this checkout against another one (an earlier commit checked out beside it,
 * built and with its node_modules), paired and interleaved: W3 encoding (10,000 MNIST rows placed
 * once, batches of 1,000) and small-batch calls (`encode` and a detector's `score` on 1, 16 or 64
 * rows at a time) with the W1 model, each checkout on its own wasm backend in this process.
 *
 *   node --import tsx scripts/inference-ab.ts --old ../other-checkout [--threads N] [--rounds N]
 *     [--batch 1000|64|16|1] [--call encode|score]
 *
 * Each round times both checkouts, in alternating order, over the same rows; it prints rows/s
 * by wall clock and by process CPU time (steadier on a busy machine), the medians of the
 * new/old ratios, and each side's best pass. Both backends stay alive, so their workers wait (asleep after a short spin) while
 * the other side runs.
 */

import { resolve } from 'node:path';
import { loadMnist } from '../src/data/node.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const old = flag('--old', '');
if (old === '') throw new Error('inference-ab: pass --old <directory of the other checkout>');
const threads = Number(flag('--threads', '1'));
const rounds = Number(flag('--rounds', '7'));
const batch = Number(flag('--batch', '1000'));
const call = flag('--call', 'encode');
if (call !== 'encode' && call !== 'score') throw new Error(`inference-ab: --call must be encode or score, not ${call}`);

const SAMPLES = 10_000;
const FEATURES = 784;
const { train, test } = loadMnist();
const data = new Float32Array(train.x.data.length + test.x.data.length);
data.set(train.x.data);
data.set(test.x.data, train.x.data.length);

interface Rates {
  readonly wall: number;
  readonly cpu: number;
}

/** A timed pass over the rows with the checkout at `root`: the same model, rows and calls on both sides. */
async function contender(root: string): Promise<() => Rates> {
  const backends = (await import(resolve(root, 'src/backend/wasm/index.ts'))) as typeof import('../src/backend/wasm/index.js');
  const latent = (await import(resolve(root, 'src/index.ts'))) as typeof import('../src/index.js');
  const runner = (await import(resolve(root, 'bench/latent-runner.ts'))) as typeof import('../bench/latent-runner.js');
  const backend = await backends.createWasmBackend({ threads });
  latent.setBackend(backend);
  const model = runner.buildW1();
  const detector = latent.AutoencoderDetector.fromModel(model, 'mse');
  const placed = latent.place(latent.matrix(data.subarray(0, SAMPLES * FEATURES), SAMPLES, FEATURES));
  // W3 is one pass over the rows; small batches take as many calls as cover 2,000 rows (at least 10).
  const calls = batch >= 1000 ? SAMPLES / batch : Math.max(10, Math.floor(2000 / batch));
  return () => {
    latent.setBackend(backend);
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < calls; i++) {
      const from = (i * batch) % (SAMPLES - batch + 1);
      const rows = placed.slice(from, from + batch);
      if (call === 'encode') model.encode(rows);
      else detector.score(rows);
    }
    const wall = (performance.now() - start) / 1000;
    const { user, system } = process.cpuUsage(cpu0);
    return { wall: (calls * batch) / wall, cpu: (calls * batch) / ((user + system) / 1e6) };
  };
}

const before = await contender(resolve(old));
const after = await contender(resolve('.'));
for (let i = 0; i < 3; i++) {
  before();
  after();
}
const wallRatios: number[] = [];
const cpuRatios: number[] = [];
// The best pass of each side: the one least disturbed by other processes on a busy machine.
let bestOld = 0;
let bestNew = 0;
for (let r = 0; r < rounds; r++) {
  // Alternate which side runs first, so neither always follows the other's cache state.
  const [o, n] = r % 2 === 0 ? [before(), after()] : ((x: Rates, y: Rates): [Rates, Rates] => [y, x])(after(), before());
  wallRatios.push(n.wall / o.wall);
  bestOld = Math.max(bestOld, o.wall);
  bestNew = Math.max(bestNew, n.wall);
  cpuRatios.push(n.cpu / o.cpu);
  console.log(
    `round ${r + 1}: old ${o.wall.toFixed(0)} rows/s (CPU ${o.cpu.toFixed(0)}), new ${n.wall.toFixed(0)} rows/s (CPU ${n.cpu.toFixed(0)})`,
  );
}
const median = (x: readonly number[]): number => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
console.log(
  `${call}, batches of ${batch}, ${threads} thread(s): new/old median ${median(wallRatios).toFixed(3)} wall ` +
    `[${wallRatios.map((x) => x.toFixed(2)).join(' ')}], ${median(cpuRatios).toFixed(3)} CPU; ` +
    `best passes ${bestOld.toFixed(0)} and ${bestNew.toFixed(0)} rows/s (${(bestNew / bestOld).toFixed(3)})`,
);
process.exit(0);
