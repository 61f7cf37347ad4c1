/**
 * Inference through ONNX Runtime against latent's wasm path: for every family that exports to
 * ONNX, codes, reconstructions and every score (mse, mae, combined, and the negative ELBO of a
 * VAE) agree to float32 tolerance (|Δ| ≤ 2e-5 · max(1, max|expected|) + 1e-4 · |expected|; the
 * combined score, whose Mahalanobis term amplifies rounding, to 1e-3 relative). Then the choice:
 * `auto` falls back where the package is missing, `ort` says what to install, and the bad inputs.
 */

import { describe, expect, it } from 'vitest';
import { matrix } from '../data/matrix.js';
import { fitScaler } from '../data/scaler.js';
import { maxAbs, randomizeWeights, randomRows } from '../io/onnx/test-utils/ort.js';
import { buildModel, parseModelConfig, type Autoencoder } from '../models/index.js';
import type { ScoreMetric } from '../tasks/detector-common.js';
import { AutoencoderDetector } from '../tasks/detector.js';
import { expectAllClose } from '../test-utils/close.js';
import { multiplyAddsPerRow, ORT_MIN_MULTIPLY_ADDS } from './auto-policy.js';
import { openInference } from './inference.js';
import type { Inference } from './inference-types.js';
import { setOrtLoader } from './ort-runtime.js';
import { useWasmBackendAndRealOrtLoader } from './test-utils/hooks.js';

function expectMatches(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4): void {
  expectAllClose(actual, expected, 2e-5 * Math.max(1, maxAbs(expected)), rtol);
}

function model(raw: Record<string, unknown>, seed = 5): Autoencoder {
  const m = buildModel(parseModelConfig(raw, 'config'));
  randomizeWeights(m, seed);
  return m;
}

const FAMILIES: Array<[string, Record<string, unknown>]> = [
  ['dense', { kind: 'dense', inputDim: 12, hidden: [10, 6], latentDim: 3, activation: 'gelu', outputActivation: 'sigmoid', dropout: 0.2 }],
  ['sparse', { kind: 'sparse', inputDim: 12, hidden: [10], latentDim: 16, l1: 1e-3, outputActivation: 'sigmoid' }],
  ['contractive', { kind: 'contractive', inputDim: 12, latentDim: 4, lambda: 0.01 }],
  ['vae bernoulli', { kind: 'vae', inputDim: 12, hidden: [10, 8], latentDim: 3, activation: 'elu' }],
  ['vae gaussian', { kind: 'vae', inputDim: 12, latentDim: 3, likelihood: 'gaussian' }],
  ['conv 1×8×8', { kind: 'conv', channels: 1, height: 8, width: 8, convChannels: [4, 6], latentDim: 5, outputActivation: 'sigmoid' }],
  ['conv1d 2×16', { kind: 'conv1d', channels: 2, length: 16, convChannels: [4, 8], kernel: 5, latentDim: 3, activation: 'leakyRelu' }],
];

useWasmBackendAndRealOrtLoader();

async function both(detector: AutoencoderDetector, threads = 1): Promise<{ ort: Inference; wasm: Inference }> {
  const ort = await openInference(detector, { accelerator: 'ort', threads });
  const wasm = await openInference(detector, { accelerator: 'wasm' });
  expect([ort.engine, wasm.engine]).toEqual(['ort', 'wasm']);
  return { ort, wasm };
}

describe.each(FAMILIES)('%s: ONNX Runtime matches the wasm path', (_name, raw) => {
  it('codes, reconstructions and every score', async () => {
    const m = model(raw);
    const train = randomRows(60, m.inputDim, 8, 2);
    m.scaler = fitScaler('standard', train);
    const detector = AutoencoderDetector.fromModel(m, 'combined').calibrate(train);
    const x = randomRows(23, m.inputDim, 9, 2);
    const { ort, wasm } = await both(detector);
    try {
      expectMatches((await ort.encode(x)).data, (await wasm.encode(x)).data);
      expectMatches((await ort.reconstruct(x)).data, (await wasm.reconstruct(x)).data);
      const metrics: ScoreMetric[] = ['mse', 'mae', 'combined', ...(m.config.kind === 'vae' ? (['elbo'] as const) : [])];
      for (const metric of metrics) {
        const expected = await wasm.score(x, metric);
        expect(expected).toEqual(detector.score(x, metric));
        expectMatches(await ort.score(x, metric), expected, metric === 'combined' ? 1e-3 : 1e-4);
      }
      // The default is the detector's metric.
      expectMatches(await ort.score(x), detector.score(x), 1e-3);
    } finally {
      await ort.close();
    }
  });
});

describe('batches and threads', () => {
  it('splits rows past its batch size into several runs, on 2 threads, with the same results', async () => {
    const m = model({ kind: 'dense', inputDim: 784, hidden: [16], latentDim: 4, outputActivation: 'sigmoid' });
    const rows = 1400; // 1,097,600 values: two runs of at most 2^20
    const all = randomRows(rows + 2, 784, 3);
    const x = matrix(all.data.subarray(784, (rows + 1) * 784), rows, 784); // a view into a larger buffer
    const { ort, wasm } = await both(AutoencoderDetector.fromModel(m), 2);
    try {
      expect(ort.threads).toBe(2);
      expectMatches((await ort.encode(x)).data, (await wasm.encode(x)).data);
      expectMatches(await ort.score(x), await wasm.score(x));
    } finally {
      await ort.close();
    }
  });

  it('returns nothing for no rows', async () => {
    const m = model({ kind: 'dense', inputDim: 5, latentDim: 2 });
    const { ort } = await both(AutoencoderDetector.fromModel(m));
    expect((await ort.score(matrix(new Float32Array(0), 0, 5))).length).toBe(0);
    expect((await ort.encode(matrix(new Float32Array(0), 0, 5))).rows).toBe(0);
    await ort.close();
  });
});

describe('choosing the engine', () => {
  const small = (): Autoencoder => model({ kind: 'dense', inputDim: 8, hidden: [6], latentDim: 2 });
  const large = (): Autoencoder => model({ kind: 'dense', inputDim: 784, hidden: [256], latentDim: 16 });
  const missing = (): Promise<never> =>
    Promise.reject(
      Object.assign(
        new Error("Cannot find package 'onnxruntime-node' imported from /app/node_modules/latent/dist/accelerator/ort-runtime.js"),
        {
          code: 'ERR_MODULE_NOT_FOUND',
        },
      ),
    );

  it('auto runs ONNX Runtime for a model above the measured size and latent below it', async () => {
    expect(multiplyAddsPerRow(large())).toBeGreaterThanOrEqual(ORT_MIN_MULTIPLY_ADDS);
    expect(multiplyAddsPerRow(small())).toBeLessThan(ORT_MIN_MULTIPLY_ADDS);
    const big = await openInference(large(), { threads: 1 });
    expect(big.engine).toBe('ort');
    await big.close();
    expect((await openInference(small())).engine).toBe('wasm');
  });

  it('auto takes the same size rule on 2 threads, and encodes mostly-zero rows on wasm', async () => {
    const middle = model({ kind: 'dense', inputDim: 200, hidden: [128, 64], latentDim: 16 });
    expect(multiplyAddsPerRow(middle)).toBeGreaterThanOrEqual(ORT_MIN_MULTIPLY_ADDS);
    const twoThreads = await openInference(middle, { threads: 2 });
    expect(twoThreads.engine).toBe('ort');
    await twoThreads.close();
    expect((await openInference(small(), { threads: 2 })).engine).toBe('wasm');
    const auto = await openInference(middle, { threads: 1 });
    try {
      const sparse = randomRows(10, 200, 4).data.map((v, i) => (i % 5 < 3 ? 0 : v)); // 40% non-zeros
      const codes = await auto.encode(matrix(sparse, 10, 200));
      expect(auto.engine).toBe('wasm');
      expect(codes.data).toEqual(middle.encode(matrix(sparse, 10, 200)).data);
      await auto.encode(randomRows(10, 200, 5));
      expect(auto.engine).toBe('ort');
      const scores = await auto.score(matrix(sparse, 10, 200));
      expectMatches(scores, AutoencoderDetector.fromModel(middle).score(matrix(sparse, 10, 200)));
    } finally {
      await auto.close();
    }
    // A convolutional model encodes even mostly-zero rows in ONNX Runtime.
    const conv = model({ kind: 'conv', channels: 1, height: 16, width: 16, convChannels: [16, 32], latentDim: 4 });
    expect(multiplyAddsPerRow(conv)).toBeGreaterThanOrEqual(ORT_MIN_MULTIPLY_ADDS);
    const convAuto = await openInference(conv, { threads: 1 });
    try {
      await convAuto.encode(matrix(new Float32Array(10 * 256), 10, 256));
      expect(convAuto.engine).toBe('ort');
    } finally {
      await convAuto.close();
    }
  });

  it('measures a model by its multiply-adds per row: weights, and conv weights once per output position', () => {
    expect(multiplyAddsPerRow(small())).toBe(small().parameterCount());
    const conv = model({
      kind: 'conv',
      channels: 1,
      height: 8,
      width: 8,
      convChannels: [4, 6],
      kernel: 3,
      stride: 2,
      padding: 1,
      latentDim: 5,
    });
    // 8×8 → 4×4 → 2×2: (1·4·9)·(16 − 1) + (4·6·9)·(4 − 1), for the encoder and the mirrored decoder.
    expect(multiplyAddsPerRow(conv) - conv.parameterCount()).toBe(2 * (36 * 15 + 216 * 3));
  });

  it('auto falls back to latent silently when onnxruntime-node is not installed', async () => {
    setOrtLoader(missing);
    expect((await openInference(large())).engine).toBe('wasm');
  });

  it('ort names the package to install when it is missing, and the load error when it is broken', async () => {
    setOrtLoader(missing);
    await expect(openInference(large(), { accelerator: 'ort', optionName: '--accelerator' })).rejects.toThrow(
      /--accelerator ort needs the onnxruntime-node package, which is not installed/,
    );
    await expect(openInference(large(), { accelerator: 'ort' })).rejects.toMatchObject({
      hint: expect.stringMatching(/npm install onnxruntime-node/),
    });
    setOrtLoader(() => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file')));
    await expect(openInference(small(), { accelerator: 'ort' })).rejects.toThrow(/installed but failed to load \(libonnxruntime\.so\.1/);
    expect((await openInference(large())).engine).toBe('wasm');
  });

  it('refuses an unknown accelerator and a bad thread count', async () => {
    await expect(openInference(small(), { accelerator: 'gpu' as 'ort' })).rejects.toThrow(/unknown accelerator "gpu"/);
    await expect(openInference(small(), { accelerator: 'ort', threads: 0 })).rejects.toThrow(/threads must be a whole number ≥ 1, got 0/);
  });

  it('refuses what latent refuses: a wrong width, elbo without a VAE, combined without statistics', async () => {
    const ort = await openInference(small(), { accelerator: 'ort', threads: 1 });
    try {
      await expect(ort.score(randomRows(3, 7, 1))).rejects.toThrow(/input has 7 features per row, the model expects 8/);
      await expect(ort.encode(randomRows(3, 7, 1))).rejects.toThrow(/the model expects 8/);
      await expect(ort.score(randomRows(3, 8, 1), 'elbo')).rejects.toThrow(/the elbo score needs a variational autoencoder/);
      await expect(ort.score(randomRows(3, 8, 1), 'combined')).rejects.toThrow(/the combined score has no statistics yet/);
      await expect(ort.score(randomRows(3, 8, 1), 'nope' as ScoreMetric)).rejects.toThrow(/unknown score metric "nope"/);
    } finally {
      await ort.close();
    }
  });
});
