/**
 * `--accelerator` of `score`, `encode` and `reconstruct`: ONNX Runtime's outputs match latent's
 * to float32 tolerance through the streaming commands, `auto` picks ONNX Runtime only for a model
 * above the measured size (and not when --backend is given), and the error paths: an unknown
 * name, the package missing, a series model.
 */

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setOrtLoader } from '../../accelerator/ort-runtime.js';
import { multiplyAddsPerRow, ORT_MIN_MULTIPLY_ADDS } from '../../accelerator/auto-policy.js';
import { loadDataset, saveMatrix } from '../../data/node-loaders.js';
import { fitScaler } from '../../data/scaler.js';
import { maxAbs, randomizeWeights, randomRows } from '../../io/onnx/test-utils/ort.js';
import { modelToBytes } from '../../io/model-io.js';
import { buildModel, parseModelConfig } from '../../models/index.js';
import { AutoencoderDetector } from '../../tasks/detector.js';
import { expectAllClose } from '../../test-utils/close.js';
import { runCli } from '../test-utils/capture.js';

function expectMatches(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4): void {
  expectAllClose(actual, expected, 2e-5 * Math.max(1, maxAbs(expected)), rtol);
}

describe('latent score / encode / reconstruct --accelerator', () => {
  let dir: string;
  let detectorFile: string;
  let largeFile: string;
  let data: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-cli-accelerator-'));
    const x = randomRows(300, 10, 1, 2);
    data = join(dir, 'rows.npy');
    saveMatrix(data, x);
    // A detector with its threshold stored, so `score` streams; the combined score by default.
    const model = buildModel(
      parseModelConfig({ kind: 'dense', inputDim: 10, hidden: [8], latentDim: 3, outputActivation: 'identity' }, 'config'),
    );
    randomizeWeights(model, 3);
    model.scaler = fitScaler('standard', x);
    const detector = AutoencoderDetector.fromModel(model, 'combined').calibrate(x, 'contamination:0.1');
    detectorFile = join(dir, 'detector.safetensors');
    writeFileSync(detectorFile, detector.toBytes());
    const large = buildModel(parseModelConfig({ kind: 'dense', inputDim: 10, hidden: [800, 400], latentDim: 4 }, 'config'));
    expect(multiplyAddsPerRow(large)).toBeGreaterThanOrEqual(ORT_MIN_MULTIPLY_ADDS);
    largeFile = join(dir, 'large.safetensors');
    writeFileSync(largeFile, modelToBytes(large));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => setOrtLoader(undefined));

  it('score: ONNX Runtime writes the scores and flags latent writes, and says it ran', async () => {
    const [ort, wasm] = [join(dir, 'ort.npy'), join(dir, 'wasm.npy')];
    const viaOrt = await runCli('score', detectorFile, data, '-o', ort, '--accelerator', 'ort');
    expect(viaOrt.stderr).toBe('');
    expect(viaOrt.code).toBe(0);
    expect(viaOrt.stdout).toMatch(/stored in .*detector\.safetensors with ONNX Runtime \(\d+ threads?\)/);
    const viaWasm = await runCli('score', detectorFile, data, '-o', wasm, '--accelerator', 'wasm');
    expect(viaWasm.code).toBe(0);
    expect(viaWasm.stdout).not.toContain('ONNX Runtime');
    const [a, b] = [loadDataset(ort).x, loadDataset(wasm).x];
    const column = (m: typeof a, c: number): Float32Array => Float32Array.from({ length: m.rows }, (_v, r) => m.data[r * 2 + c]!);
    expectMatches(column(a, 0), column(b, 0), 1e-3);
    expect(column(a, 1)).toEqual(column(b, 1));
  });

  it.each([
    ['encode', 'codes.npy'],
    ['reconstruct', 'recon.npy'],
  ])('%s: ONNX Runtime writes what latent writes', async (command, name) => {
    const [ort, wasm] = [join(dir, `ort-${name}`), join(dir, `wasm-${name}`)];
    const viaOrt = await runCli(command, detectorFile, data, '-o', ort, '--accelerator', 'ort');
    expect(viaOrt.code).toBe(0);
    expect(viaOrt.stdout).toContain('with ONNX Runtime');
    expect((await runCli(command, detectorFile, data, '-o', wasm, '--accelerator', 'wasm')).code).toBe(0);
    expectMatches(loadDataset(ort).x.data, loadDataset(wasm).x.data);
  });

  it('auto runs ONNX Runtime for a large model only, and keeps to latent when --backend is given', async () => {
    const small = await runCli('encode', detectorFile, data, '-o', join(dir, 'auto-small.npy'));
    expect(small.stdout).not.toContain('ONNX Runtime');
    const large = await runCli('encode', largeFile, data, '-o', join(dir, 'auto-large.npy'));
    expect(large.stdout).toContain('with ONNX Runtime');
    const backend = await runCli('encode', largeFile, data, '-o', join(dir, 'auto-backend.npy'), '--backend', 'wasm');
    expect(backend.stdout).not.toContain('ONNX Runtime');
  });

  it('refuses an unknown accelerator before any work', async () => {
    const out = join(dir, 'never.npy');
    const run = await runCli('encode', detectorFile, data, '-o', out, '--accelerator', 'gpu');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('unknown --accelerator "gpu"');
    expect(run.stderr).toContain('auto, ort, wasm');
    expect(existsSync(out)).toBe(false);
  });

  it('without onnxruntime-node: ort says what to install and writes nothing, auto carries on with latent', async () => {
    setOrtLoader(() =>
      Promise.reject(Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' })),
    );
    const out = join(dir, 'missing.npy');
    const run = await runCli('score', detectorFile, data, '-o', out, '--accelerator', 'ort');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--accelerator ort needs the onnxruntime-node package, which is not installed');
    expect(run.stderr).toContain('npm install onnxruntime-node');
    expect(existsSync(out)).toBe(false);
    const auto = await runCli('encode', largeFile, data, '-o', join(dir, 'missing-auto.npy'));
    expect(auto.code).toBe(0);
    expect(auto.stdout).not.toContain('ONNX Runtime');
  });

  it('a series model refuses --accelerator', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `${(10 + Math.sin((2 * Math.PI * i) / 12)).toFixed(4)}`);
    const series = join(dir, 'series.csv');
    writeFileSync(series, `value\n${rows.join('\n')}\n`);
    const model = join(dir, 'series.safetensors');
    expect((await runCli('train', series, '--window', '12', '--epochs', '1', '-o', model, '--backend', 'js', '--quiet')).code).toBe(0);
    const run = await runCli('score', model, series, '-o', join(dir, 'series-scores.csv'), '--accelerator', 'ort');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--accelerator: the series model');
    expect(run.stderr).toContain('drop --accelerator');
  });

  it('a threshold computed from DATA: scores ONNX Runtime streams too, flagging what latent flags', async () => {
    const [ort, wasm] = [join(dir, 'rule-ort.npy'), join(dir, 'rule-wasm.npy')];
    const viaOrt = await runCli('score', detectorFile, data, '-o', ort, '--threshold-rule', 'percentile:95', '--accelerator', 'ort');
    expect(viaOrt.code).toBe(0);
    expect(viaOrt.stdout).toContain('with ONNX Runtime');
    expect(viaOrt.stdout).toContain('flagged 15 of 300 rows');
    const viaWasm = await runCli('score', detectorFile, data, '-o', wasm, '--threshold-rule', 'percentile:95', '--accelerator', 'wasm');
    expect(viaWasm.stdout).toContain('flagged 15 of 300 rows');
    expectMatches(loadDataset(ort).x.data, loadDataset(wasm).x.data, 1e-3);
  });
});
