import { afterAll, describe, expect, it } from 'vitest';
import { JsBackend } from '../backend/js/js-backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import { loadMnist } from '../data/node-mnist.js';
import { matrix } from '../data/matrix.js';
import { DenseAutoencoder, denseConfig } from '../models/index.js';
import { fit } from './index.js';

const original = getBackend();
afterAll(() => setBackend(original));

function mnistSubset(rows: number) {
  const { train } = loadMnist();
  return matrix(train.x.data.slice(0, rows * 784), rows, 784);
}

const model = () =>
  new DenseAutoencoder(denseConfig({ inputDim: 784, hidden: [64], latentDim: 8, outputActivation: 'sigmoid', dropout: 0.1, seed: 7 }));

describe('training on both backends', () => {
  it('the same seeded model gives the same losses on js and wasm (2 threads) to float32 tolerance', async () => {
    const x = mnistSubset(512);
    const options = { epochs: 3, batchSize: 64, seed: 3, validationSplit: 0.25 } as const;
    setBackend(new JsBackend());
    const js = await fit(model(), x, options);
    setBackend(await createWasmBackend({ threads: 2 }));
    const wasm = await fit(model(), x, options);
    js.epochs.forEach((epoch, i) => {
      expect(wasm.epochs[i]!.loss).toBeCloseTo(epoch.loss, 4);
      expect(wasm.epochs[i]!.valLoss!).toBeCloseTo(epoch.valLoss!, 4);
    });
  });

  it('a model built before the backend changed moves to the new backend for fit and encode', async () => {
    setBackend(new JsBackend());
    const m = model();
    const wasm = await createWasmBackend({ threads: 1 });
    setBackend(wasm);
    const x = mnistSubset(64);
    await fit(m, x, { epochs: 1 });
    expect(m.parameters().every((p) => p.backend === wasm)).toBe(true);
    expect(m.encode(x).cols).toBe(8);
  });
});
