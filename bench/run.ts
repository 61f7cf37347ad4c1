/**
 * `npm run bench`: the reference workloads side by side with TensorFlow.js and PyTorch, on the
 * same MNIST data. Prints samples/s, the ratio to TensorFlow.js wasm and to PyTorch on the same
 * thread count (paired within interleaved rounds), GEMM GFLOPS of the W1 shapes, memory over many
 * epochs, the scoring server under load (bench/serve.ts), and the machine; the full run rewrites
 * this Node.js major version's section of BENCHMARKS.md (not when the server failed a request),
 * so runs under Node 20 and Node 24 stand side by side there.
 *
 *   npm run bench              full run (a few minutes), rewrites BENCHMARKS.md
 *   npm run bench -- --quick   smoke run (CI): small sizes, one repetition, prints only
 *   npm run bench -- --targets the interleaved rows only (latent wasm and its auto accelerator, tfjs-wasm, PyTorch) and
 *                              the wasm GEMM figures; skips latent js, tfjs-cpu, the memory run and
 *                              the server (on a busy machine those take most of half an hour)
 *   --rounds N                 interleaved training rounds (default 3): more give steadier medians
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { JsBackend, type Backend } from '../src/backend/index.js';
import { createWasmBackend, relaxedSimdSupported } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/node.js';
import { GEMM_SHAPES, gemmGflops } from './gemm.js';
import { describeRatios, interleave, type Contender, type InterleavedResult } from './interleave.js';
import { serveLoad, serveLoadOptions } from './serve.js';
import { latentEncodeW3, latentMemoryW1, latentTrainW1, latentW1Trainer, latentW3Encoder } from './latent-runner.js';
import { describeThreadpools, PYTORCH_GLIBC_TUNABLES, PytorchSession, type PytorchWorkload } from './pytorch-runner.js';
import { nodeMajor, withSection } from './sections.js';
import { tfjsEncodeW3, tfjsTrainW1, tfjsW1Trainer, tfjsW3Encoder, useTfBackend } from './tfjs-runner.js';
import { median, W1, W3 } from './workloads.js';
import { tfjsTrainW2 } from './tfjs-w2.js';
import { latentTrainW2, latentW2Trainer } from './w2-runner.js';
import { describeAutoChoices, latentW3AutoEncoder } from './w3-auto.js';
import { W2 } from './workloads-w2.js';
import { argument } from './args.js';

const quick = process.argv.includes('--quick');
const targetsOnly = process.argv.includes('--targets');
const SKIPPED = 'skipped with --targets';
// Epoch sizes of the interleaved rows. --targets trains shorter epochs: on a busy machine
// PyTorch's OpenMP threads wait on each other and a 2-thread epoch can take minutes.
const fastRows = quick ? 512 : targetsOnly ? 2048 : 8192;
const tfjsWasmRows = quick ? 256 : targetsOnly ? 1024 : 2048;
const w2Rows = quick ? 256 : targetsOnly ? 512 : 2048;
/** W3 on digits mapped to [0.01, 0.99]: no zeros for the sparse GEMM path to skip. */
const W3_DENSE = 'W3 encode, no zeros';
/** W3's rows through `openInference(model, { accelerator: 'auto' })`, in the W3 encode rows. */
const W3_AUTO = 'latent auto accelerator';
const startLoad = loadavg()[0] ?? 0;
/** Measured training rounds after a warm-up (each figure is a median of at least 3 in full mode). */
const roundsOption = argument('--rounds');
const reps = quick ? 1 : roundsOption !== undefined ? Number(roundsOption) : 3;
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--rounds ${roundsOption}: expected a whole number of at least 1`);
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
  /** Rates over PyTorch's on the same thread count, round by round (latent rows measured interleaved with it). */
  readonly torchRatios?: number[];
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

  // The fastest build the host runs (relaxed SIMD on Node 22+), and the plain SIMD build beside it
  // where that differs, to show what fused multiply-add gains on this machine.
  const best = relaxedSimdSupported() ? 'relaxed SIMD' : 'SIMD';
  const threadLabel = (n: number): string => `${n} thread${n > 1 ? 's' : ''}`;
  const wasmSystems: Array<[string, Backend, number]> = [
    [`latent wasm ${best} 1 thread`, await createWasmBackend({ threads: 1 }), 1],
    [`latent wasm ${best} ${threadLabel(threads)}`, await createWasmBackend({ threads }), threads],
  ];
  const plainSystems: Array<[string, Backend, number]> = relaxedSimdSupported()
    ? [
        ['latent wasm SIMD 1 thread', await createWasmBackend({ threads: 1, kernels: 'simd' }), 1],
        [`latent wasm SIMD ${threadLabel(threads)}`, await createWasmBackend({ threads, kernels: 'simd' }), threads],
      ]
    : [];
  const slowRows = quick ? 128 : 1024;
  const rows: Row[] = [];
  const gemm: Array<{ system: string; gflops: Record<string, number> }> = [];

  // Blocks: the slow systems, whose ratios are far from any target, and the GEMM and W2 figures.
  const js = new JsBackend();
  for (const [name, backend] of [...(targetsOnly ? [] : [['latent js', js] as [string, Backend]]), ...wasmSystems, ...plainSystems]) {
    gemm.push({ system: name, gflops: gemmGflops(backend, quick ? 1 : 5, data) });
  }
  if (targetsOnly) {
    for (const system of ['latent js', 'tfjs-cpu 4.22']) {
      for (const workload of ['W1 train', 'W3 encode', 'W2 train']) rows.push({ workload, system, rates: [], note: SKIPPED });
    }
  } else {
    await slowSystems(js, data, rows, slowRows);
  }
  // PyTorch (optional: a row says why when no python3 here imports torch), one process per thread
  // count, serving one repetition at a time so it takes its turn in the interleaved rounds.
  const torchSessions: PytorchSession[] = [];
  for (const n of [...new Set([1, threads])]) {
    log(`pytorch: starting on ${threadLabel(n)}`);
    const session = await PytorchSession.start(data, n, { w1: fastRows, w2: w2Rows });
    if (session === null) {
      rows.push({ workload: 'W1 train', system: 'pytorch', rates: [], note: 'not run: no python3 here imports torch' });
      break;
    }
    log(`  pytorch ${session.version}: ${describeThreadpools(session.threadpools)} (${session.blas})`);
    torchSessions.push(session);
  }
  const torchName = (session: PytorchSession): string => `pytorch ${session.version} ${threadLabel(session.threads)}`;
  // The same products through torch.mm, so the GEMM table shows the kernel each peer's speed rests on.
  for (const session of torchSessions) {
    const gflops = await session.gemmGflops(GEMM_SHAPES);
    gemm.push({ system: torchName(session), gflops: Object.fromEntries(GEMM_SHAPES.map((shape, i) => [shape.name, gflops[i]!])) });
  }
  const torchContenders = (workload: PytorchWorkload): Contender[] =>
    torchSessions.map((session) => ({ system: torchName(session), rep: () => session.rep(workload) }));
  // W3 through the inference accelerator's `auto` choice, beside the wasm rows of the same threads.
  const autoSystems: Array<[string, Backend, number]> = wasmSystems.map(([, backend, n]) => [`${W3_AUTO} ${threadLabel(n)}`, backend, n]);
  const latentThreads = new Map([...wasmSystems, ...plainSystems, ...autoSystems].map(([name, , n]) => [name, n]));

  // Interleaved: the rows the targets are about, each round running every system once.
  await useTfBackend('wasm');
  // Latent rows against the PyTorch row of the same thread count, round by round.
  const torchPairing = (result: InterleavedResult, results: readonly InterleavedResult[]): { torchRatios?: number[] } => {
    const n = latentThreads.get(result.system);
    const session = torchSessions.find((s) => s.threads === n);
    const torch = session && results.find((r) => r.system === torchName(session));
    return torch ? { torchRatios: result.rates.map((rate, round) => rate / torch.rates[round]!) } : {};
  };
  /** `reference` null: no tfjs contender, so no ratio column of its own (the table divides by tfjs-cpu's median). */
  const interleaved = async (
    workload: string,
    contenders: Contender[],
    reference: string | null,
    rounds: number,
    warmup: number,
  ): Promise<void> => {
    log(`${workload}: ${rounds} interleaved rounds of ${contenders.map((c) => c.system).join(', ')}`);
    const results = await interleave(contenders, reference ?? contenders[0]!.system, rounds, warmup);
    for (const { system, rates, ratios } of results) {
      log(`  ${system}: ${rates.map((rate) => rate.toFixed(0)).join(' ')}`);
      rows.push({
        workload,
        system,
        rates,
        ...(reference === null ? {} : { ratios }),
        ...torchPairing({ system, rates, ratios }, results),
      });
    }
  };
  const latentSystems = [...wasmSystems, ...plainSystems];
  await interleaved(
    'W1 train',
    [
      ...latentSystems.map(([name, backend]) => latentW1Trainer(name, backend, data, fastRows)),
      tfjsW1Trainer(TFJS_WASM, data, tfjsWasmRows),
      ...torchContenders('w1'),
    ],
    TFJS_WASM,
    reps,
    1,
  );
  const autoEncoders = await Promise.all(autoSystems.map(([name, backend, n]) => latentW3AutoEncoder(name, backend, data, n)));
  await interleaved(
    'W3 encode',
    [
      ...latentSystems.map(([name, backend]) => latentW3Encoder(name, backend, data)),
      ...autoEncoders,
      tfjsW3Encoder(TFJS_WASM, data),
      ...torchContenders('w3'),
    ],
    TFJS_WASM,
    w3Reps,
    2,
  );
  for (const auto of autoEncoders) log(`  ${auto.system} chose: ${describeAutoChoices(auto.choices())}`);
  await interleaved(
    W3_DENSE,
    [...wasmSystems.map(([name, backend]) => latentW3Encoder(name, backend, noZeros)), tfjsW3Encoder(TFJS_WASM, noZeros)],
    TFJS_WASM,
    w3Reps,
    2,
  );
  // W2: tfjs cannot take part (wasm lacks a kernel, cpu runs a few samples/s): latent and PyTorch.
  const w2Contenders = [...wasmSystems.map(([name, backend]) => latentW2Trainer(name, backend, data, w2Rows)), ...torchContenders('w2')];
  await interleaved('W2 train', w2Contenders, null, reps, 1);
  for (const session of torchSessions) await session.close();
  const tfjsWasmW2Rows = quick ? 256 : 1024;
  log(`tfjs wasm: W2 training on ${tfjsWasmW2Rows} samples`);
  rows.push(w2Row(TFJS_WASM, await tfjsTrainW2(data, tfjsWasmW2Rows, reps + 1)));

  const memoryEpochs = quick ? 3 : 50;
  log(targetsOnly ? 'memory: skipped' : `memory: ${memoryEpochs} W1 epochs on the wasm backend`);
  const memory = targetsOnly ? null : await latentMemoryW1(await createWasmBackend({ threads }), data, quick ? 256 : 1024, memoryEpochs);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  // The scoring server under load, in processes of its own (bench/serve.ts).
  const serve = targetsOnly
    ? { lines: ['### Scoring server under load', '', `Not run (${SKIPPED}).`, ''], failures: [] }
    : await serveLoad({ ...serveLoadOptions(quick ? ['--quick'] : []), log });

  const torchLines = torchSessions.map(
    (session) =>
      `PyTorch ${session.version} on ${threadLabel(session.threads)}: ${describeThreadpools(session.threadpools)} (threadpoolctl; ${session.blas}), OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, GLIBC_TUNABLES=${PYTORCH_GLIBC_TUNABLES}.`,
  );
  const section = render(rows, gemm, memory, peakRssMb, threads, serve.lines, torchLines);
  process.stdout.write(section);
  for (const failure of serve.failures) log(failure);
  if (!quick && serve.failures.length === 0) {
    const file = new URL('../BENCHMARKS.md', import.meta.url);
    const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const notes = readFileSync(new URL('./notes.md', import.meta.url), 'utf8');
    writeFileSync(file, withSection(previous, nodeMajor(), section, notes));
    log(`wrote the Node.js ${nodeMajor()} section of BENCHMARKS.md`);
  }
  process.exit(serve.failures.length > 0 ? 1 : 0);
}

/** The slow systems (latent js, tfjs cpu), measured in blocks: their ratios are far from any target. */
async function slowSystems(js: Backend, data: Float32Array, rows: Row[], slowRows: number): Promise<void> {
  log(`latent js: W1 training on ${slowRows} samples`);
  rows.push({ workload: 'W1 train', system: 'latent js', rates: await latentTrainW1(js, data, slowRows, reps + 1).then(dropWarmup) });
  log('latent js: W3 encoding');
  rows.push({ workload: 'W3 encode', system: 'latent js', rates: await latentEncodeW3(js, data, w3Reps) });
  const jsW2Rows = quick ? 128 : 256;
  log(`latent js: W2 training on ${jsW2Rows} samples`);
  rows.push({ workload: 'W2 train', system: 'latent js', rates: await latentTrainW2(js, data, jsW2Rows, reps + 1).then(dropWarmup) });

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
}

function render(
  rows: Row[],
  gemm: Array<{ system: string; gflops: Record<string, number> }>,
  memory: { live: number[]; rssMb: number[] } | null,
  peakRssMb: number,
  threads: number,
  serveLines: readonly string[],
  torchLines: readonly string[],
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
  lines.push(`## Node.js ${nodeMajor()}`, '');
  lines.push(
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} cores, Node.js ${process.version}; load average at the start ${startLoad.toFixed(2)}, at the end ${(loadavg()[0] ?? 0).toFixed(2)} (other work on the machine slows the threaded rows first).`,
  );
  lines.push(
    `Command: \`npm run bench${quick ? ' -- --quick' : targetsOnly ? ' -- --targets' : ''}${roundsOption !== undefined && !quick ? `${targetsOnly ? '' : ' --'} --rounds ${reps}` : ''}\` (${new Date().toISOString().slice(0, 10)}). Each training figure is the median of ${reps} epoch(s) after a warm-up (interleaved epochs: W1 ${fastRows} rows, tfjs-wasm W1 ${tfjsWasmRows}, W2 ${w2Rows}), each W3 figure the median of ${w3Reps} passes; data loading excluded.`,
    '',
    'The latent wasm, tfjs-wasm and PyTorch rows of W1, W3 and W2 ran interleaved: each round ran one repetition of each of them in turn, so a slow spell of the machine hits them alike. Their ratios are the median over rounds of the ratio within a round, with the range over rounds in brackets; × PyTorch divides by PyTorch on the same thread count.',
    '',
    ...torchLines.flatMap((line) => [line, '']),
  );
  lines.push('W1: dense 784-512-128-32-128-512-784, ReLU, sigmoid output, BCE, Adam 1e-3, batch 128, MNIST.');
  lines.push(
    `W3: encode ${W3.samples} MNIST digits with the W1 encoder, batches of ${W3.batchSize}. Every system has the digits in its own memory before its clock starts (latent: rows placed with \`place\`, encoded as slices; PyTorch: one tensor, sliced; TensorFlow.js: one tensor per batch); the clock covers the forward passes, and latent and TensorFlow.js also copy each batch's codes out.`,
  );
  lines.push(`${W3_DENSE}: W3 on the digits mapped to [0.01, 0.99], so that no input is zero (see the notes).`);
  lines.push(
    `W3 encode, ${W3_AUTO}: the same batches as plain rows through \`openInference(model, { accelerator: 'auto', threads })\`, which times ONNX Runtime against the wasm backend on its first calls (in the warm-up rounds) and keeps the faster.`,
    '',
  );
  lines.push(
    'W2: conv-mnist, Conv(1→32,3x3,s2,p1), Conv(32→64), Dense→32, Dense→64·7·7, ConvTranspose(64→32), ConvTranspose(32→1), BCE, Adam 1e-3, batch 128.',
    '',
  );
  lines.push(
    '| workload | system | samples/s | × tfjs-wasm (W2: × tfjs-cpu) | × PyTorch (same threads) |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  for (const row of tableOrder(rows)) {
    if (row.rates.length === 0) {
      lines.push(`| ${row.workload} | ${row.system} | n/a: ${row.note ?? 'not run'} | | |`);
      continue;
    }
    const rate = median(row.rates);
    const ratio = rate / reference(row.workload);
    const ratioCell = row.ratios ? describeRatios(row.ratios) : Number.isFinite(ratio) ? ratio.toFixed(2) : '';
    lines.push(
      `| ${row.workload} | ${row.system} | ${fmt(rate)} | ${ratioCell} | ${row.torchRatios ? describeRatios(row.torchRatios) : ''} |`,
    );
  }
  lines.push('', `GEMM GFLOPS on the W1 shapes (batch ${W1.batchSize}):`, '');
  const shapes = Object.keys(gemm[0]?.gflops ?? {});
  lines.push(`| system | ${shapes.join(' | ')} |`, `| --- | ${shapes.map(() => '---:').join(' | ')} |`);
  for (const g of gemm) lines.push(`| ${g.system} | ${shapes.map((s) => g.gflops[s]!.toFixed(1)).join(' | ')} |`);
  lines.push(
    '',
    memory === null
      ? `Memory over many W1 epochs: not run (${SKIPPED}).`
      : `Memory over ${memory.live.length} W1 epochs (wasm, ${threads} threads): live buffers after each epoch ${summarize(memory.live)}; RSS ${summarize(memory.rssMb.map((v) => Math.round(v)))} MiB.`,
  );
  lines.push(`Peak RSS of the whole benchmark process: ${peakRssMb.toFixed(0)} MiB.`, '');
  lines.push(...serveLines);
  return `${lines.join('\n')}\n`;
}

/** Rows grouped by system (latent, then tfjs, then PyTorch), each system's workloads in a fixed order. */
function tableOrder(rows: readonly Row[]): Row[] {
  const systemRank = (system: string): number => {
    const rank = ['latent js', 'latent wasm 1 thread', 'latent wasm', W3_AUTO, 'tfjs-cpu', 'tfjs-wasm'].findIndex((prefix) =>
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
