/**
 * `npm run bench`: the reference workloads side by side with TensorFlow.js, in one process and on
 * the same MNIST data. Prints samples/s, the ratio to TensorFlow.js wasm, GEMM GFLOPS of the W1
 * shapes, memory over many epochs, and the machine; the full run rewrites BENCHMARKS.md.
 *
 *   npm run bench              full run (a few minutes), rewrites BENCHMARKS.md
 *   npm run bench -- --quick   smoke run (CI): small sizes, one repetition, prints only
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { JsBackend, type Backend } from '../src/backend/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { gemmGflops } from './gemm.js';
import { latentEncodeW3, latentMemoryW1, latentTrainW1 } from './latent-runner.js';
import { blasName, pytorchRates } from './pytorch-runner.js';
import { tfjsEncodeW3, tfjsTrainW1, useTfBackend } from './tfjs-runner.js';
import { median, W1, W3 } from './workloads.js';
import { tfjsTrainW2 } from './tfjs-w2.js';
import { latentTrainW2 } from './w2-runner.js';
import { W2 } from './workloads-w2.js';

const quick = process.argv.includes('--quick');
/** W3 on digits mapped to [0.01, 0.99]: no zeros for the sparse GEMM path to skip. */
const W3_DENSE = 'W3 encode, no zeros';
const startLoad = loadavg()[0] ?? 0;
/** Warm-up epoch plus measured repetitions (each figure is a median of at least 3 in full mode). */
const reps = quick ? 1 : 3;
/** W3 passes take a fraction of a second: more of them steady the median on a shared machine. */
const w3Reps = quick ? 1 : 9;

interface Row {
  readonly workload: string;
  readonly system: string;
  /** Empty when the system could not run the workload (see `note`). */
  readonly rates: number[];
  readonly note?: string;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const { train, test } = loadMnist();
  const data = new Float32Array(train.x.data.length + test.x.data.length);
  data.set(train.x.data);
  data.set(test.x.data, train.x.data.length);
  const threads = cpus().length;
  // The same digits with no zero pixel: the GEMM cannot skip anything (W3's dense control).
  const noZeros = data.map((v) => 0.01 + 0.98 * v);

  const backends: Array<[string, () => Promise<Backend>]> = [
    ['latent js', async () => new JsBackend()],
    ['latent wasm 1 thread', () => createWasmBackend({ threads: 1 })],
    [`latent wasm ${threads} threads`, () => createWasmBackend({ threads })],
  ];
  const slowRows = quick ? 128 : 1024;
  const fastRows = quick ? 512 : 8192;
  const rows: Row[] = [];
  const gemm: Array<{ system: string; gflops: Record<string, number> }> = [];

  for (const [name, make] of backends) {
    const backend = await make();
    const n = name === 'latent js' ? slowRows : fastRows;
    log(`${name}: W1 training on ${n} samples`);
    const trainRates = await latentTrainW1(backend, data, n, reps + 1);
    rows.push({ workload: 'W1 train', system: name, rates: trainRates.slice(1) });
    log(`${name}: W3 encoding`);
    rows.push({ workload: 'W3 encode', system: name, rates: latentEncodeW3(backend, data, w3Reps) });
    if (name !== 'latent js') {
      log(`${name}: W3 encoding of digits without zeros`);
      rows.push({ workload: W3_DENSE, system: name, rates: latentEncodeW3(backend, noZeros, w3Reps) });
    }
    gemm.push({ system: name, gflops: gemmGflops(backend, quick ? 1 : 5, data) });
    const w2Rows = name === 'latent js' ? (quick ? 128 : 256) : quick ? 256 : 2048;
    log(`${name}: W2 training on ${w2Rows} samples`);
    const w2Rates = await latentTrainW2(backend, data, w2Rows, reps + 1);
    rows.push({ workload: 'W2 train', system: name, rates: w2Rates.slice(1) });
  }

  for (const tfName of ['cpu', 'wasm'] as const) {
    await useTfBackend(tfName);
    const n = tfName === 'cpu' ? slowRows : quick ? 256 : 2048;
    log(`tfjs ${tfName}: W1 training on ${n} samples`);
    const trainRates = await tfjsTrainW1(data, n, reps + 1);
    rows.push({ workload: 'W1 train', system: `tfjs-${tfName} 4.22`, rates: trainRates.slice(1) });
    log(`tfjs ${tfName}: W3 encoding`);
    rows.push({ workload: 'W3 encode', system: `tfjs-${tfName} 4.22`, rates: await tfjsEncodeW3(data, w3Reps) });
    if (tfName === 'wasm') {
      log(`tfjs ${tfName}: W3 encoding of digits without zeros`);
      rows.push({ workload: W3_DENSE, system: `tfjs-${tfName} 4.22`, rates: await tfjsEncodeW3(noZeros, w3Reps) });
    }
    // tfjs's cpu convolution gradients run at a few samples/s: one measured batch, full runs only.
    if (tfName === 'cpu' && quick) {
      rows.push({ workload: 'W2 train', system: 'tfjs-cpu 4.22', rates: [], note: 'skipped in --quick (a few samples/s)' });
      continue;
    }
    const w2Rows = tfName === 'cpu' ? W2.batchSize : quick ? 256 : 1024;
    log(`tfjs ${tfName}: W2 training on ${w2Rows} samples`);
    const w2Rates = await tfjsTrainW2(data, w2Rows, (tfName === 'cpu' ? 1 : reps) + 1);
    rows.push(
      w2Rates === null
        ? { workload: 'W2 train', system: `tfjs-${tfName} 4.22`, rates: [], note: 'cannot train: no Conv2DBackpropFilter kernel' }
        : { workload: 'W2 train', system: `tfjs-${tfName} 4.22`, rates: w2Rates.slice(1) },
    );
  }

  // PyTorch (optional: a row says why when no python3 here imports torch).
  for (const n of [...new Set([1, threads])]) {
    log(`pytorch: W1, W3 and W2 on ${n} thread(s)`);
    const torch = await pytorchRates(data, n, quick);
    if (torch === null) {
      rows.push({ workload: 'W1 train', system: 'pytorch', rates: [], note: 'not run: no python3 here imports torch' });
      break;
    }
    const system = `pytorch ${torch.version} ${blasName(torch.blas)} ${n} thread${n > 1 ? 's' : ''}`;
    rows.push({ workload: 'W1 train', system, rates: torch.w1 });
    rows.push({ workload: 'W3 encode', system, rates: torch.w3 });
    rows.push({ workload: 'W2 train', system, rates: torch.w2 });
  }

  const memoryEpochs = quick ? 3 : 50;
  log(`memory: ${memoryEpochs} W1 epochs on the wasm backend`);
  const memory = await latentMemoryW1(await createWasmBackend({ threads }), data, quick ? 256 : 1024, memoryEpochs);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const report = render(rows, gemm, memory, peakRssMb, threads);
  process.stdout.write(report);
  if (!quick) {
    writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), report);
    log('wrote BENCHMARKS.md');
  }
  process.exit(0);
}

function render(
  rows: Row[],
  gemm: Array<{ system: string; gflops: Record<string, number> }>,
  memory: { live: number[]; rssMb: number[] },
  peakRssMb: number,
  threads: number,
): string {
  // Ratios are against tfjs-wasm, or tfjs-cpu where tfjs-wasm cannot run the workload.
  const reference = (workload: string): number => {
    const tf = ['tfjs-wasm', 'tfjs-cpu'].map((p) =>
      rows.find((r) => r.workload === workload && r.system.startsWith(p) && r.rates.length > 0),
    );
    const found = tf[0] ?? tf[1];
    return found ? median(found.rates) : NaN;
  };
  const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} cores, Node.js ${process.version}; load average at the start ${startLoad.toFixed(2)} (other work on the machine slows the threaded rows first).`,
  );
  lines.push(
    `Command: \`npm run bench${quick ? ' -- --quick' : ''}\` (${new Date().toISOString().slice(0, 10)}). Each training figure is the median of ${reps} epoch(s) after a warm-up, each W3 figure the median of ${w3Reps} passes; data loading excluded.`,
    '',
  );
  lines.push('W1: dense 784-512-128-32-128-512-784, ReLU, sigmoid output, BCE, Adam 1e-3, batch 128, MNIST.');
  lines.push(`W3: encode ${W3.samples} MNIST digits with the W1 encoder, batches of ${W3.batchSize}.`);
  lines.push(`${W3_DENSE}: W3 on the digits mapped to [0.01, 0.99], so that no input is zero (see the notes).`, '');
  lines.push(
    'W2: conv-mnist, Conv(1→32,3x3,s2,p1), Conv(32→64), Dense→32, Dense→64·7·7, ConvTranspose(64→32), ConvTranspose(32→1), BCE, Adam 1e-3, batch 128.',
    '',
  );
  lines.push('| workload | system | samples/s | × tfjs-wasm (W2: × tfjs-cpu) |', '| --- | --- | ---: | ---: |');
  for (const row of rows) {
    if (row.rates.length === 0) {
      lines.push(`| ${row.workload} | ${row.system} | n/a: ${row.note ?? 'not run'} | |`);
      continue;
    }
    const rate = median(row.rates);
    const ratio = rate / reference(row.workload);
    lines.push(`| ${row.workload} | ${row.system} | ${fmt(rate)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : ''} |`);
  }
  lines.push('', `GEMM GFLOPS on the W1 shapes (batch ${W1.batchSize}):`, '');
  const shapes = Object.keys(gemm[0]?.gflops ?? {});
  lines.push(`| system | ${shapes.join(' | ')} |`, `| --- | ${shapes.map(() => '---:').join(' | ')} |`);
  for (const g of gemm) lines.push(`| ${g.system} | ${shapes.map((s) => g.gflops[s]!.toFixed(1)).join(' | ')} |`);
  lines.push(
    '',
    `Memory over ${memory.live.length} W1 epochs (wasm, ${threads} threads): live buffers after each epoch ${summarize(memory.live)}; RSS ${summarize(memory.rssMb.map((v) => Math.round(v)))} MiB.`,
  );
  lines.push(`Peak RSS of the whole benchmark process: ${peakRssMb.toFixed(0)} MiB.`, '');
  const notes = readFileSync(new URL('./notes.md', import.meta.url), 'utf8');
  return `${lines.join('\n')}\n${notes}`;
}

function summarize(values: number[]): string {
  if (values.length === 0) return 'n/a';
  return `first ${values[0]}, last ${values.at(-1)}, min ${Math.min(...values)}, max ${Math.max(...values)}`;
}

await main();
