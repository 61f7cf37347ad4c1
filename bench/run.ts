/**
 * `npm run bench`: the reference workloads side by side with TensorFlow.js, in one process and on
 * the same MNIST data. Prints samples/s, the ratio to TensorFlow.js wasm, GEMM GFLOPS of the W1
 * shapes, memory over many epochs, the scoring server under load (bench/serve.ts), and the
 * machine; the full run rewrites BENCHMARKS.md (not when the server failed a request).
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
import { describeRatios, interleave, type Contender } from './interleave.js';
import { serveLoad, serveLoadOptions } from './serve.js';
import { latentEncodeW3, latentMemoryW1, latentTrainW1, latentW1Trainer, latentW3Encoder } from './latent-runner.js';
import { blasName, pytorchRates } from './pytorch-runner.js';
import { tfjsEncodeW3, tfjsTrainW1, tfjsW1Trainer, tfjsW3Encoder, useTfBackend } from './tfjs-runner.js';
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
const w3Reps = quick ? 1 : 15;
const TFJS_WASM = 'tfjs-wasm 4.22';

interface Row {
  readonly workload: string;
  readonly system: string;
  /** Empty when the system could not run the workload (see `note`). */
  readonly rates: number[];
  /** Rates over the reference's, round by round, when the rows were measured interleaved. */
  readonly ratios?: number[];
  readonly note?: string;
}

function dropWarmup(rates: number[]): number[] {
  return rates.slice(1);
}

/** W2 row of a tfjs backend: null rates mean it lacks a kernel W2 needs. */
function w2Row(system: string, rates: number[] | null): Row {
  return rates === null
    ? { workload: 'W2 train', system, rates: [], note: 'cannot train: no Conv2DBackpropFilter kernel' }
    : { workload: 'W2 train', system, rates: dropWarmup(rates) };
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

  const wasmSystems: Array<[string, Backend]> = [
    ['latent wasm 1 thread', await createWasmBackend({ threads: 1 })],
    [`latent wasm ${threads} threads`, await createWasmBackend({ threads })],
  ];
  const slowRows = quick ? 128 : 1024;
  const fastRows = quick ? 512 : 8192;
  const tfjsWasmRows = quick ? 256 : 2048;
  const rows: Row[] = [];
  const gemm: Array<{ system: string; gflops: Record<string, number> }> = [];

  // Blocks: the slow systems, whose ratios are far from any target, and the GEMM and W2 figures.
  const js = new JsBackend();
  log(`latent js: W1 training on ${slowRows} samples`);
  rows.push({ workload: 'W1 train', system: 'latent js', rates: await latentTrainW1(js, data, slowRows, reps + 1).then(dropWarmup) });
  log('latent js: W3 encoding');
  rows.push({ workload: 'W3 encode', system: 'latent js', rates: await latentEncodeW3(js, data, w3Reps) });
  for (const [name, backend] of [['latent js', js] as [string, Backend], ...wasmSystems]) {
    gemm.push({ system: name, gflops: gemmGflops(backend, quick ? 1 : 5, data) });
    const w2Rows = name === 'latent js' ? (quick ? 128 : 256) : quick ? 256 : 2048;
    log(`${name}: W2 training on ${w2Rows} samples`);
    rows.push({ workload: 'W2 train', system: name, rates: await latentTrainW2(backend, data, w2Rows, reps + 1).then(dropWarmup) });
  }

  await useTfBackend('cpu');
  log(`tfjs cpu: W1 training on ${slowRows} samples`);
  rows.push({ workload: 'W1 train', system: 'tfjs-cpu 4.22', rates: await tfjsTrainW1(data, slowRows, reps + 1).then(dropWarmup) });
  log('tfjs cpu: W3 encoding');
  rows.push({ workload: 'W3 encode', system: 'tfjs-cpu 4.22', rates: await tfjsEncodeW3(data, w3Reps) });
  // tfjs's cpu convolution gradients run at a few samples/s: one measured batch, full runs only.
  if (quick) {
    rows.push({ workload: 'W2 train', system: 'tfjs-cpu 4.22', rates: [], note: 'skipped in --quick (a few samples/s)' });
  } else {
    log(`tfjs cpu: W2 training on ${W2.batchSize} samples`);
    const w2Rates = await tfjsTrainW2(data, W2.batchSize, 2);
    rows.push(w2Row('tfjs-cpu 4.22', w2Rates));
  }

  // Interleaved: the rows the targets are about, each round running every system once.
  await useTfBackend('wasm');
  const interleaved = async (workload: string, contenders: Contender[], rounds: number, warmup: number): Promise<void> => {
    log(`${workload}: ${rounds} interleaved rounds of ${contenders.map((c) => c.system).join(', ')}`);
    for (const result of await interleave(contenders, TFJS_WASM, rounds, warmup)) {
      log(`  ${result.system}: ${result.rates.map((rate) => rate.toFixed(0)).join(' ')}`);
      rows.push({ workload, ...result });
    }
  };
  await interleaved(
    'W1 train',
    [...wasmSystems.map(([name, backend]) => latentW1Trainer(name, backend, data, fastRows)), tfjsW1Trainer(TFJS_WASM, data, tfjsWasmRows)],
    reps,
    1,
  );
  for (const [workload, digits] of [
    ['W3 encode', data],
    [W3_DENSE, noZeros],
  ] as const) {
    await interleaved(
      workload,
      [...wasmSystems.map(([name, backend]) => latentW3Encoder(name, backend, digits)), tfjsW3Encoder(TFJS_WASM, digits)],
      w3Reps,
      2,
    );
  }
  const tfjsWasmW2Rows = quick ? 256 : 1024;
  log(`tfjs wasm: W2 training on ${tfjsWasmW2Rows} samples`);
  rows.push(w2Row(TFJS_WASM, await tfjsTrainW2(data, tfjsWasmW2Rows, reps + 1)));

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

  // The scoring server under load, in processes of its own (bench/serve.ts).
  const serve = await serveLoad({ ...serveLoadOptions(quick ? ['--quick'] : []), log });

  const report = render(rows, gemm, memory, peakRssMb, threads, serve.lines);
  process.stdout.write(report);
  for (const failure of serve.failures) log(failure);
  if (!quick && serve.failures.length === 0) {
    writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), report);
    log('wrote BENCHMARKS.md');
  }
  process.exit(serve.failures.length > 0 ? 1 : 0);
}

function render(
  rows: Row[],
  gemm: Array<{ system: string; gflops: Record<string, number> }>,
  memory: { live: number[]; rssMb: number[] },
  peakRssMb: number,
  threads: number,
  serveLines: readonly string[],
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
    'The latent wasm and tfjs-wasm rows of W1 and W3 ran interleaved: each round ran one repetition of each of them in turn, so a slow spell of the machine hits them alike. Their ratio is the median over rounds of the ratio within a round, with the range over rounds in brackets.',
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
  for (const row of tableOrder(rows)) {
    if (row.rates.length === 0) {
      lines.push(`| ${row.workload} | ${row.system} | n/a: ${row.note ?? 'not run'} | |`);
      continue;
    }
    const rate = median(row.rates);
    const ratio = rate / reference(row.workload);
    const ratioCell = row.ratios ? describeRatios(row.ratios) : Number.isFinite(ratio) ? ratio.toFixed(2) : '';
    lines.push(`| ${row.workload} | ${row.system} | ${fmt(rate)} | ${ratioCell} |`);
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
  lines.push(...serveLines);
  const notes = readFileSync(new URL('./notes.md', import.meta.url), 'utf8');
  return `${lines.join('\n')}\n${notes}`;
}

/** Rows grouped by system (latent, then tfjs, then PyTorch), each system's workloads in a fixed order. */
function tableOrder(rows: readonly Row[]): Row[] {
  const systemRank = (system: string): number => {
    const rank = ['latent js', 'latent wasm 1 thread', 'latent wasm', 'tfjs-cpu', 'tfjs-wasm'].findIndex((prefix) =>
      system.startsWith(prefix),
    );
    return rank < 0 ? 99 : rank;
  };
  const workloadRank = (workload: string): number => ['W1 train', 'W3 encode', W3_DENSE, 'W2 train'].indexOf(workload);
  return [...rows].sort(
    (a, b) =>
      systemRank(a.system) - systemRank(b.system) ||
      a.system.localeCompare(b.system) ||
      workloadRank(a.workload) - workloadRank(b.workload),
  );
}

function summarize(values: number[]): string {
  if (values.length === 0) return 'n/a';
  return `first ${values[0]}, last ${values.at(-1)}, min ${Math.min(...values)}, max ${Math.max(...values)}`;
}

await main();
