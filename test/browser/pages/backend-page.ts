/// <reference lib="dom" />
/**
 * Browser page: picks the default backend the way an application would (initBackend), then
 * checks it against the reference js backend: GEMM on odd shapes in every transpose combination
 * (dense, and with a mostly-zero left operand), a large elementwise op, seeded training of the
 * same model on both backends, and a model file round trip. Reports through window.latentResult.
 */

import {
  DenseAutoencoder,
  denseConfig,
  fit,
  initBackend,
  matrix,
  modelFromBytes,
  modelToBytes,
  Rng,
  setBackend,
  type Backend,
} from '../../../src/index.js';
import { JsBackend } from '../../../src/backend/index.js';

export interface BackendPageResult {
  readonly isolated: boolean;
  readonly hardwareConcurrency: number;
  readonly backend: string;
  readonly threads: number;
  /** Largest |wasm − js| over every GEMM case, relative to the largest |js| entry of the case. */
  readonly gemmError: number;
  readonly gemmCases: number;
  readonly elementwiseError: number;
  readonly jsLosses: number[];
  readonly defaultLosses: number[];
  /** Largest |difference| between the encodings of a model and of its file read back. */
  readonly roundTripDifference: number;
}

function randomArray(rng: Rng, length: number, density = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.uniform() < density ? rng.normal() : 0;
  return out;
}

/** A copy of `values` in `backend`'s own storage (wasm kernels read only their memory). */
function stored(backend: Backend, values: Float32Array): Float32Array {
  const out = backend.alloc(values.length);
  out.set(values);
  return out;
}

function gemmError(fast: Backend, reference: Backend, rng: Rng): { error: number; cases: number } {
  const shapes: Array<[number, number, number, number]> = [
    [1, 1, 1, 1],
    [3, 7, 5, 1],
    [127, 129, 33, 1],
    [129, 127, 300, 1],
    [256, 96, 200, 1],
    [256, 64, 300, 0.15], // mostly zeros on the left: the compressed-row path
  ];
  let error = 0;
  let cases = 0;
  for (const [m, n, k, density] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = randomArray(rng, m * k, transA ? 1 : density);
        const b = randomArray(rng, k * n);
        const args = { m, n, k, transA, transB, alpha: 1, beta: 0 };
        const expected = new Float32Array(m * n);
        reference.gemm({ ...args, a, b, c: expected });
        const c = fast.alloc(m * n);
        fast.gemm({ ...args, a: stored(fast, a), b: stored(fast, b), c });
        let scale = 1e-6;
        for (const v of expected) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs(c[i]! - expected[i]!) / scale);
        cases++;
      }
    }
  }
  return { error, cases };
}

function elementwiseError(fast: Backend, reference: Backend, rng: Rng): number {
  // Large enough to be split across threads.
  const a = randomArray(rng, 1 << 18);
  const b = randomArray(rng, 1 << 18);
  const expected = new Float32Array(a.length);
  reference.binary('mul', a, b, expected);
  const out = fast.alloc(a.length);
  fast.binary('mul', stored(fast, a), stored(fast, b), out);
  let error = 0;
  for (let i = 0; i < a.length; i++) error = Math.max(error, Math.abs(out[i]! - expected[i]!));
  return error;
}

async function trainLosses(backend: Backend, x: ReturnType<typeof matrix>): Promise<{ losses: number[]; model: DenseAutoencoder }> {
  setBackend(backend);
  const model = new DenseAutoencoder(denseConfig({ inputDim: x.cols, hidden: [48], latentDim: 6, seed: 5 }));
  const history = await fit(model, x, { epochs: 3, batchSize: 32, seed: 9, optimizer: { name: 'adam', lr: 1e-3 } });
  return { losses: history.epochs.map((e) => e.loss), model };
}

async function main(): Promise<BackendPageResult> {
  const fast = await initBackend();
  const reference = new JsBackend();
  const rng = new Rng(11);
  const gemm = gemmError(fast, reference, rng);
  const elementwise = elementwiseError(fast, reference, rng);

  const rows = 320;
  const cols = 40;
  const x = matrix(randomArray(rng, rows * cols), rows, cols);
  const js = await trainLosses(reference, x);
  const onDefault = await trainLosses(fast, x);

  const loaded = modelFromBytes(modelToBytes(onDefault.model), 'page model').model;
  const before = onDefault.model.encode(x).data;
  const after = loaded.encode(x).data;
  let roundTripDifference = 0;
  for (let i = 0; i < before.length; i++) roundTripDifference = Math.max(roundTripDifference, Math.abs(before[i]! - after[i]!));

  return {
    isolated: crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    backend: fast.name,
    threads: fast.threads,
    gemmError: gemm.error,
    gemmCases: gemm.cases,
    elementwiseError: elementwise,
    jsLosses: js.losses,
    defaultLosses: onDefault.losses,
    roundTripDifference,
  };
}

const report = window as unknown as { latentResult?: BackendPageResult; latentError?: string };
main().then(
  (result) => (report.latentResult = result),
  (error: unknown) => (report.latentError = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)),
);
