/**
 * The inference accelerator measured: rows/s of `encode` and of the detector's default score
 * (`combined`) through `openInference` with `accelerator: 'ort'` (ONNX Runtime) against
 * `'wasm'` (latent's backend), on 1 and 2 threads, for models from a small tabular detector to a
 * model larger than W1 and the W2 convolutional one, fed in batches the size the command line's
 * row sources deliver (about 8 MB of values) and in small batches of 256 rows. Rounds are
 * interleaved and each ratio is paired within its round (bench/interleave.ts). `auto` runs beside
 * them on the same batches (its rows/s include its measuring calls, in the warm-up round and the
 * first measured rounds); the last column says what it chose in this run, per batch-size bucket
 * (the last, shorter batch of a pass is a bucket of its own). The fixed rule of
 * src/accelerator/auto-policy.ts, auto's first guess, was fitted on an earlier run of this table.
 *
 *   npx tsx bench/accelerator.ts [--rounds 5] [--only w1]
 */

import { loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import type { Backend } from '../src/backend/backend.js';
import { setBackend } from '../src/backend/index.js';
import { createWasmBackend, relaxedSimdSupported } from '../src/backend/wasm/index.js';
import { multiplyAddsPerRow } from '../src/accelerator/auto-policy.js';
import { openInference, type EngineChoice, type Inference } from '../src/accelerator/index.js';
import { matrix, type Matrix } from '../src/data/matrix.js';
import { loadMnist } from '../src/data/node.js';
import { defaultChunkRows } from '../src/data/sources/row-source.js';
import { buildModel, denseConfig, type Autoencoder } from '../src/models/index.js';
import { AutoencoderDetector } from '../src/tasks/detector.js';
import { Rng } from '../src/tensor/rng.js';
import { describeRatios, interleave, type Contender } from './interleave.js';
import { buildW1 } from './latent-runner.js';
import { buildW2 } from './w2-runner.js';
import { median } from './workloads.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const rounds = Number(flag('--rounds', '5'));
const only = flag('--only', '');

interface Case {
  readonly name: string;
  readonly model: () => Autoencoder;
  readonly data: () => Matrix;
}

function gaussianRows(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return matrix(
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
    rows,
    cols,
  );
}

let digits: Matrix | undefined;
function mnist(rows: number, dense: boolean): Matrix {
  if (digits === undefined) {
    const { train, test } = loadMnist();
    const all = new Float32Array(train.x.data.length + test.x.data.length);
    all.set(train.x.data);
    all.set(test.x.data, train.x.data.length);
    digits = matrix(all, all.length / 784, 784);
  }
  const x = digits.data.slice(0, rows * 784);
  return matrix(dense ? x.map((v) => 0.01 + 0.98 * v) : x, rows, 784);
}

const dense = (inputDim: number, hidden: number[], latentDim: number) => () =>
  buildModel(denseConfig({ inputDim, hidden, latentDim, activation: 'relu', outputActivation: 'identity', seed: 1 }));

const CASES: Case[] = [
  { name: 'tabular 30-16-8, Gaussian', model: dense(30, [16], 8), data: () => gaussianRows(100_000, 30, 1) },
  { name: 'tabular 200-128-64-16, Gaussian', model: dense(200, [128, 64], 16), data: () => gaussianRows(20_000, 200, 2) },
  { name: 'W1 784-512-128-32, MNIST', model: buildW1, data: () => mnist(10_000, false) },
  { name: 'W1 784-512-128-32, no zeros', model: buildW1, data: () => mnist(10_000, true) },
  { name: 'large 784-1024-512-64, no zeros', model: dense(784, [1024, 512], 64), data: () => mnist(5_000, true) },
  { name: 'W2 conv, MNIST', model: () => buildW2(), data: () => mnist(2_000, false) },
];

/** What auto settled on for `task` in this run: one engine, or the engine per batch-size bucket where they differ. */
function picks(choices: readonly EngineChoice[], task: 'encode' | 'score'): string {
  const mine = choices.filter((c) => c.call === task || c.call.startsWith(`${task} `));
  const label = (c: EngineChoice): string => c.engine ?? (c.by === 'rule' ? 'by rule' : 'still measuring');
  const labels = [...new Set(mine.map(label))];
  return labels.length === 1 ? labels[0]! : mine.map((c) => `${label(c)} ≤${c.maxRows} rows`).join(', ');
}

/** "1.2M" for the table. */
function size(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${Math.round(n / 1e3)}k`;
}

function batches(x: Matrix, rows: number): Matrix[] {
  const out: Matrix[] = [];
  for (let b = 0; b < x.rows; b += rows) {
    const n = Math.min(rows, x.rows - b);
    out.push(matrix(x.data.subarray(b * x.cols, (b + n) * x.cols), n, x.cols));
  }
  return out;
}

function contender(system: string, backend: Backend, inference: Inference, task: 'encode' | 'score', parts: Matrix[]): Contender {
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  return {
    system,
    rep: async () => {
      setBackend(backend);
      const start = performance.now();
      for (const part of parts) {
        if (task === 'encode') await inference.encode(part);
        else await inference.score(part);
      }
      return rows / ((performance.now() - start) / 1000);
    },
  };
}

const backends = new Map<number, Backend>();
for (const threads of [1, 2]) backends.set(threads, await createWasmBackend({ threads }));

console.log(
  `ONNX Runtime ${ort.env.versions.common} vs latent wasm (${relaxedSimdSupported() ? 'relaxed SIMD' : 'SIMD'}), Node ${process.version}, ` +
    `${rounds} interleaved rounds; load average ${loadavg()[0]!.toFixed(2)} at the start (2 cores shared with other jobs)`,
);
console.log(
  '| model and data | multiply-adds/row | task | batch rows | threads | latent wasm rows/s | ONNX Runtime rows/s | ORT ÷ wasm (paired) | auto rows/s | auto picks |',
);
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const c of CASES) {
  if (only !== '' && !c.name.toLowerCase().includes(only.toLowerCase())) continue;
  const model = c.model();
  const x = c.data();
  setBackend(backends.get(1)!);
  const detector = AutoencoderDetector.fromModel(model, 'combined').calibrate(matrix(x.data.subarray(0, 1000 * x.cols), 1000, x.cols));
  for (const task of ['encode', 'score'] as const) {
    for (const batchRows of [defaultChunkRows(x.cols), 256]) {
      const parts = batches(x, batchRows);
      const contenders: Contender[] = [];
      const open: Inference[] = [];
      const autos = new Map<number, Inference>();
      for (const threads of [1, 2]) {
        const backend = backends.get(threads)!;
        setBackend(backend);
        const wasm = await openInference(detector, { accelerator: 'wasm' });
        const onnx = await openInference(detector, { accelerator: 'ort', threads });
        const auto = await openInference(detector, { accelerator: 'auto', threads });
        open.push(onnx, auto);
        autos.set(threads, auto);
        contenders.push(
          contender(`wasm ${threads}`, backend, wasm, task, parts),
          contender(`ort ${threads}`, backend, onnx, task, parts),
          contender(`auto ${threads}`, backend, auto, task, parts),
        );
      }
      const results = await interleave(contenders, 'wasm 1', rounds, 1);
      for (const threads of [1, 2]) {
        const w = results.find((r) => r.system === `wasm ${threads}`)!;
        const o = results.find((r) => r.system === `ort ${threads}`)!;
        const a = results.find((r) => r.system === `auto ${threads}`)!;
        const paired = o.rates.map((rate, i) => rate / w.rates[i]!);
        console.log(
          `| ${c.name} | ${size(multiplyAddsPerRow(model))} | ${task} | ${Math.min(batchRows, x.rows)} | ${threads} | ` +
            `${median(w.rates).toFixed(0)} | ${median(o.rates).toFixed(0)} | ${describeRatios(paired)} | ${median(a.rates).toFixed(0)} | ` +
            `${picks(autos.get(threads)!.choices(), task)} |`,
        );
      }
      for (const inference of open) await inference.close();
    }
  }
}
console.log(`load average ${loadavg()[0]!.toFixed(2)} at the end`);
process.exit(0);
