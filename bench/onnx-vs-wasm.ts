/**
 * Large-batch inference through ONNX Runtime (onnxruntime-node, native CPU kernels) against the
 * wasm backend, on the exported W1 model: encoding (W3's encoder) and scoring (reconstruction
 * error of the full model), on MNIST digits and on the same digits with no zero pixel. Rounds are
 * interleaved and ratios paired within a round, as in `npm run bench`. It decides whether an
 * ONNX Runtime path for score/encode would pay; nothing in the library depends on it.
 *
 *   npx tsx bench/onnx-vs-wasm.ts [--rows 10000] [--batch 10000] [--rounds 7]
 */

import { loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import { setBackend } from '../src/backend/index.js';
import { createWasmBackend, relaxedSimdSupported } from '../src/backend/wasm/index.js';
import { matrix, type Matrix } from '../src/data/matrix.js';
import { loadMnist } from '../src/data/node.js';
import { exportOnnx } from '../src/io/onnx/export.js';
import { describeRatios, interleave, type Contender } from './interleave.js';
import { buildW1 } from './latent-runner.js';
import { median, W1 } from './workloads.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const rows = flag('--rows', 10_000);
const batch = flag('--batch', 10_000);
const rounds = flag('--rounds', 7);

/** Rows `[b, b + batch)` of `x` for each batch, as matrices (views, no copy). */
function batches(x: Matrix): Matrix[] {
  const out: Matrix[] = [];
  for (let b = 0; b < x.rows; b += batch) {
    const n = Math.min(batch, x.rows - b);
    out.push(matrix(x.data.subarray(b * x.cols, (b + n) * x.cols), n, x.cols));
  }
  return out;
}

function latentContender(
  system: string,
  task: 'encode' | 'score',
  x: Matrix,
  backendPromise: ReturnType<typeof createWasmBackend>,
): Contender & { ready: Promise<void> } {
  let run = (): void => undefined;
  const ready = backendPromise.then((backend) => {
    setBackend(backend);
    const model = buildW1();
    const parts = batches(x);
    run = () => {
      setBackend(backend);
      for (const part of parts) {
        if (task === 'encode') model.encode(part);
        else model.reconstructionError(part);
      }
    };
  });
  return {
    system,
    ready,
    rep: async () => {
      const start = performance.now();
      run();
      return x.rows / ((performance.now() - start) / 1000);
    },
  };
}

async function ortContender(system: string, threads: number, task: 'encode' | 'score', x: Matrix): Promise<Contender> {
  const model = buildW1();
  const bytes = exportOnnx(model, task === 'encode' ? 'encoder' : 'full');
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const parts = batches(x);
  return {
    system,
    rep: async () => {
      const start = performance.now();
      for (const part of parts) {
        const input = new ort.Tensor('float32', part.data, [part.rows, part.cols]);
        const result = await session.run({ input });
        if (task === 'score') {
          // Mean squared error per row, as reconstructionError computes it.
          const y = Object.values(result)[0]!.data as Float32Array;
          const errors = new Float32Array(part.rows);
          for (let r = 0; r < part.rows; r++) {
            let s = 0;
            for (let c = 0; c < part.cols; c++) {
              const d = y[r * part.cols + c]! - part.data[r * part.cols + c]!;
              s += d * d;
            }
            errors[r] = s / part.cols;
          }
        }
      }
      return x.rows / ((performance.now() - start) / 1000);
    },
  };
}

const { train, test } = loadMnist();
const all = new Float32Array(train.x.data.length + test.x.data.length);
all.set(train.x.data);
all.set(test.x.data, train.x.data.length);
if (rows * W1.input > all.length) throw new Error(`--rows ${rows}: the MNIST files here hold ${all.length / W1.input} rows`);
const digits = matrix(all.slice(0, rows * W1.input), rows, W1.input);
const noZeros = matrix(
  digits.data.map((v) => 0.01 + 0.98 * v),
  rows,
  W1.input,
);
const build = relaxedSimdSupported() ? 'relaxed SIMD' : 'SIMD';
console.log(
  `ONNX Runtime ${ort.env.versions.common} vs latent wasm (${build}), Node ${process.version}, ${rows} rows in batches of ${batch}, ${rounds} interleaved rounds; load average ${loadavg()[0]!.toFixed(2)} at the start`,
);
console.log('| task | data | system | rows/s | × latent wasm (same threads) |');
console.log('| --- | --- | --- | ---: | ---: |');
for (const task of ['encode', 'score'] as const) {
  for (const [label, x] of [
    ['MNIST', digits],
    ['no zeros', noZeros],
  ] as const) {
    const contenders: Contender[] = [];
    for (const threads of [1, 2]) {
      const latent = latentContender(`latent wasm ${threads}t`, task, x, createWasmBackend({ threads }));
      await latent.ready;
      contenders.push(latent, await ortContender(`onnxruntime ${threads}t`, threads, task, x));
    }
    const results = await interleave(contenders, contenders[0]!.system, rounds, 2);
    for (const result of results) {
      const threads = result.system.endsWith('2t') ? '2t' : '1t';
      const latent = results.find((r) => r.system === `latent wasm ${threads}`)!;
      const paired = result.rates.map((rate, i) => rate / latent.rates[i]!);
      console.log(`| ${task} | ${label} | ${result.system} | ${median(result.rates).toFixed(0)} | ${describeRatios(paired)} |`);
    }
  }
}
console.log(`load average ${loadavg()[0]!.toFixed(2)} at the end`);
process.exit(0);
