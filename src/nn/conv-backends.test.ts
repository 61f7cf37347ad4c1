/**
 * Conv2d and ConvTranspose2d on the wasm backend (1 and 2 threads) against the reference backend:
 * forward output and every gradient, on the W2 layers and on odd and edge shapes (sizes 1, 3, 7,
 * odd spatial sizes, stride 1 and 2, padding 0 and 1, output padding), so both the tap-table and
 * the row paths of im2col/col2im run inside whole forward and backward passes.
 */

import { afterAll, describe, it } from 'vitest';
import { backward, clearTape, ops, Tensor } from '../autograd/index.js';
import { JsBackend } from '../backend/js/js-backend.js';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { WasmBackend } from '../backend/wasm/wasm-backend.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { Conv2d, ConvTranspose2d } from './index.js';

interface Case {
  readonly name: string;
  readonly transposed: boolean;
  readonly input: [number, number, number, number];
  readonly out: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding?: number;
}

const CASES: Case[] = [
  { name: 'W2 conv 1', transposed: false, input: [5, 1, 28, 28], out: 32, kernel: 3, stride: 2, padding: 1 },
  { name: 'W2 conv 2', transposed: false, input: [3, 32, 14, 14], out: 64, kernel: 3, stride: 2, padding: 1 },
  { name: 'W2 deconv 1', transposed: true, input: [3, 64, 7, 7], out: 32, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
  { name: 'W2 deconv 2', transposed: true, input: [5, 32, 14, 14], out: 1, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
  { name: 'odd stride 2 pad 0', transposed: false, input: [7, 3, 9, 11], out: 5, kernel: 3, stride: 2, padding: 0 },
  { name: 'single pixel', transposed: false, input: [1, 1, 1, 1], out: 3, kernel: 1, stride: 1, padding: 0 },
  { name: 'wide stride 1', transposed: false, input: [2, 3, 5, 21], out: 4, kernel: 3, stride: 1, padding: 1 },
  { name: 'deconv odd stride 1', transposed: true, input: [3, 7, 3, 5], out: 3, kernel: 3, stride: 1, padding: 0 },
  { name: 'deconv wide stride 2', transposed: true, input: [2, 3, 7, 9], out: 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
];

interface Result {
  readonly y: Float32Array;
  readonly dx: Float32Array;
  readonly dw: Float32Array;
  readonly db: Float32Array;
}

/** Forward and backward of a seeded layer on `backend`, through a fixed random projection. */
function run(backend: Backend, c: Case): Result {
  setBackend(backend);
  const rng = new Rng(11);
  const [, channels] = c.input;
  const layer = c.transposed
    ? new ConvTranspose2d(channels, c.out, c.kernel, rng, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding ?? 0 })
    : new Conv2d(channels, c.out, c.kernel, rng, { stride: c.stride, padding: c.padding });
  layer.bias!.data.set(Tensor.uniform([c.out], new Rng(12), -1, 1).data);
  const x = Tensor.uniform(c.input, new Rng(13), -1, 1, { requiresGrad: true });
  const y = layer.forward(x);
  backward(ops.sum(ops.mul(y, Tensor.uniform(y.shape, new Rng(14), -1, 1))));
  const result = {
    y: y.data.slice(),
    dx: x.grad!.data.slice(),
    dw: layer.weight.grad!.data.slice(),
    db: layer.bias!.grad!.data.slice(),
  };
  clearTape();
  return result;
}

const original = getBackend();
const oracle = new JsBackend();
const wasm = new Map<number, WasmBackend>([
  [1, await WasmBackend.create(1)],
  [2, await WasmBackend.create(2)],
]);
afterAll(async () => {
  setBackend(original);
  for (const backend of wasm.values()) await backend.close();
});

describe.each([...wasm.keys()])('conv layers on wasm (%i thread(s)) against the reference', (threads) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: output and gradients', (_name, c) => {
    const expected = run(oracle, c);
    const actual = run(wasm.get(threads)!, c);
    // GEMMs sum in a different order than the reference: float32 rounding over up to 576 terms.
    for (const key of ['y', 'dx', 'dw', 'db'] as const) expectAllClose(actual[key], expected[key], 1e-4, 1e-4);
  });
});
