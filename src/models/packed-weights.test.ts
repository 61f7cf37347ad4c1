/**
 * Weights kept packed between inference calls (GemmArgs.frozenB): after every way of writing a
 * model's weights, the next `encode` sees the new weights (it equals a fresh model loaded with
 * them, which has never packed anything), while calls with no write between them reuse the copy;
 * copies are freed with the weights, and batch sizes from 1 row up agree with the reference backend.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { linear } from '../autograd/ops.js';
import { noGrad } from '../autograd/tape.js';
import { Tensor } from '../autograd/tensor.js';
import type { Backend } from '../backend/backend.js';
import { JsBackend } from '../backend/js/js-backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { WasmBackend } from '../backend/wasm/wasm-backend.js';
import { matrix, type Matrix } from '../data/matrix.js';
import { Adam, Sgd } from '../optim/index.js';
import { Rng } from '../tensor/rng.js';
import { expectAllClose } from '../test-utils/close.js';
import { fit } from '../train/trainer.js';
import { DenseAutoencoder, denseConfig, place } from './index.js';

const original = getBackend();
const backends = new Map<number, WasmBackend>([
  [1, await WasmBackend.create(1)],
  [2, await WasmBackend.create(2)],
]);
afterAll(async () => {
  setBackend(original);
  for (const backend of backends.values()) await backend.close();
});

const COLS = 120;
/** Rows about 80% exact zeros, as MNIST's background: the first layer takes the mostly-zero-A path. */
function sparseRows(rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const out = new Float32Array(rows * COLS);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < 0.2 ? rng.uniform() : 0;
  return matrix(out, rows, COLS);
}
const data = sparseRows(300, 5);
const model = (): DenseAutoencoder =>
  new DenseAutoencoder(denseConfig({ inputDim: COLS, hidden: [64, 32], latentDim: 8, outputActivation: 'sigmoid', seed: 3 }));

/** The codes of a model that never packed anything, loaded with `trained`'s current weights. */
function freshCodes(trained: DenseAutoencoder, x: Matrix): Float32Array {
  const fresh = model();
  fresh.loadStateDict(new Map([...trained.stateDict()].map(([k, t]) => [k, { shape: t.shape, data: t.readData().slice() }])));
  return fresh.encode(x).data;
}

function firstWeight(m: DenseAutoencoder): Tensor {
  return m.stateDict().get('encoder.0.weight')!;
}

describe.each([1, 2])('weights kept packed on %i wasm thread(s)', (threads) => {
  const backend = backends.get(threads)!;

  it('reuses the packed copy while nothing writes, and sees every write after', async () => {
    setBackend(backend);
    const m = model();
    const x = place(data);
    const packs = (): number => backend.packedOperands.packs;
    const before = packs();
    const codes = m.encode(x).data;
    expect(packs()).toBeGreaterThan(before);
    const packed = packs();
    expect(m.encode(x.slice(0, 100)).data).toEqual(codes.subarray(0, 100 * 8));
    expect(m.encode(x).data).toEqual(codes);
    expect(packs()).toBe(packed);
    const check = (what: string): void => {
      const now = m.encode(x).data;
      expect(now, what).toEqual(freshCodes(m, data));
      expect(now, `${what}: the codes changed`).not.toEqual(codes);
    };
    const weight = firstWeight(m);
    const saved = new Map([...m.stateDict()].map(([k, t]) => [k, t.readData().slice()]));
    const restore = (): void => {
      for (const [k, t] of m.stateDict()) t.data.set(saved.get(k)!);
      expect(m.encode(x).data).toEqual(codes);
    };

    // A user's write through `data`, and through a view of the weight.
    weight.data[5] = 3;
    weight.data[COLS + 7] = -2;
    check('write through data');
    restore();
    weight.view([weight.size]).data.fill(0.01);
    check('write through a view');
    restore();
    // An array kept from earlier, written, then announced.
    const kept = weight.data;
    m.encode(x);
    kept.fill(-0.02);
    weight.markChanged();
    check('kept array + markChanged');
    restore();

    // loadStateDict.
    const other = model();
    other.loadStateDict(new Map([...m.stateDict()].map(([k, t]) => [k, { shape: t.shape, data: t.readData().map((v) => v * 1.5) }])));
    m.loadStateDict(new Map([...other.stateDict()].map(([k, t]) => [k, { shape: t.shape, data: t.readData().slice() }])));
    check('loadStateDict');
    restore();

    // Optimizer steps: SGD, Adam, and Adam's deferred updates, encoded before they are settled.
    for (const [name, make] of [
      ['sgd', () => new Sgd(m.parameters(), { lr: 0.5 })],
      ['adam', () => new Adam(m.parameters(), { lr: 0.05 })],
    ] as const) {
      const optimizer = make();
      for (const p of m.parameters()) p.grad = Tensor.full(p.shape, 0.3, { persistent: true });
      optimizer.step();
      check(`${name} step`);
      restore();
      for (const p of m.parameters()) p.grad = Tensor.full(p.shape, -0.2, { persistent: true });
      optimizer.beginStep({ defer: true });
      optimizer.updateParams(m.parameters());
      optimizer.startDeferred();
      check(`${name} deferred step`);
      optimizer.settle();
      check(`${name} deferred step, settled`);
      optimizer.dispose();
      restore();
    }

    // Training with fit (deferred Adam updates across many steps, best-weight restores).
    await fit(m, data, { epochs: 2, batchSize: 50, loss: 'bce', seed: 1 });
    check('fit');

    // Moved to another backend and back: new storage.
    m.to(new JsBackend());
    m.to(backend);
    restore();
    x.release();
  });

  it('frees the packed copies with the weights, over many models', () => {
    setBackend(backend);
    const x = place(data);
    const live = backend.liveBuffers();
    for (let i = 0; i < 20; i++) {
      const m = model();
      m.encode(x.slice(0, 64));
      for (const t of m.stateDict().values()) t.dispose();
    }
    expect(backend.liveBuffers()).toBe(live);
    x.release();
  });

  it('keeps no copy of a weight made for one call, nor in training', () => {
    setBackend(backend);
    const x = Tensor.from(sparseRows(64, 9).data, [64, COLS]);
    const packs = backend.packedOperands.packs;
    noGrad(() => linear(x, Tensor.full([40, COLS], 0.5), null));
    const m = model();
    m.encoder.forward(x);
    expect(backend.packedOperands.packs).toBe(packs);
  });

  it('agrees with the reference backend from one row up', () => {
    const reference: Backend = new JsBackend();
    setBackend(reference);
    const m = model();
    const expected = m.encode(data).data;
    setBackend(backend);
    m.to(backend);
    for (const rows of [1, 2, 16, 64, 300]) {
      const got = m.encode(place(data).slice(0, rows)).data;
      expectAllClose(got, expected.subarray(0, rows * 8), 1e-5, 1e-4);
    }
  });
});
