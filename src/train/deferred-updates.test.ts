/**
 * The trainer updates each layer's parameters during the backward pass, as soon as their
 * gradients are final (Adam in the background on the wasm backend's threads until the weights
 * are read again). That must give the weights of the plain order, one optimizer step after the
 * whole backward pass, bit for bit: every optimizer, a model whose weight is read twice (the
 * contractive penalty), 1 and 2 threads. The plain order is what training with gradient
 * clipping still uses; a clip norm no gradient reaches leaves the gradients untouched.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../backend/registry.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import type { Backend } from '../backend/backend.js';
import { matrix } from '../data/matrix.js';
import { ContractiveAutoencoder, contractiveConfig, DenseAutoencoder, denseConfig, type Autoencoder } from '../models/index.js';
import type { OptimizerName } from '../optim/factory.js';
import { Rng } from '../tensor/rng.js';
import { fit } from './index.js';

const original = getBackend();
afterAll(() => setBackend(original));

const x = (() => {
  const rng = new Rng(12);
  const rows = 200;
  const data = new Float32Array(rows * 24);
  // Mostly-zero rows in [0, 1], like pixels.
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() < 0.4 ? rng.uniform() : 0;
  return matrix(data, rows, 24);
})();

const families: Record<string, () => Autoencoder> = {
  dense: () => new DenseAutoencoder(denseConfig({ inputDim: 24, hidden: [16], latentDim: 4, outputActivation: 'sigmoid', seed: 2 })),
  contractive: () => new ContractiveAutoencoder(contractiveConfig({ inputDim: 24, latentDim: 6, seed: 2 })),
};

async function trained(backend: Backend, family: string, optimizer: OptimizerName, clipNorm?: number): Promise<Float32Array[]> {
  setBackend(backend);
  const model = families[family]!();
  await fit(model, x, {
    epochs: 2,
    batchSize: 32,
    seed: 5,
    optimizer: { name: optimizer },
    ...(clipNorm === undefined ? {} : { clipNorm }),
  });
  return model.parameters().map((p) => Float32Array.from(p.data));
}

const backends = new Map<number, Backend>([
  [1, await createWasmBackend({ threads: 1 })],
  [2, await createWasmBackend({ threads: 2 })],
]);

describe.each(Object.keys(families))('%s model', (family) => {
  it.each([
    ['adam', 1],
    ['adam', 2],
    ['adamw', 2],
    ['sgd', 2],
    ['rmsprop', 2],
  ] as const)('%s on %i thread(s): updates during the backward pass equal one step after it, bit for bit', async (optimizer, threads) => {
    const backend = backends.get(threads)!;
    const plain = await trained(backend, family, optimizer, 1e30);
    const early = await trained(backend, family, optimizer);
    early.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(plain[i]!.buffer)), `parameter ${i}`).toBe(true));
  });
});

describe('Adam during the backward pass', () => {
  it('hands each layer to the backend as its gradients are final, one deferred group per layer', async () => {
    const backend = backends.get(2)!;
    const spy = { deferred: 0, grouped: 0 };
    const counting: Backend = new Proxy(backend, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          if (key === 'adamGroupDeferred') spy.deferred++;
          if (key === 'adamGroup') spy.grouped++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    setBackend(counting);
    const model = families['dense']!();
    await fit(model, x, { epochs: 1, batchSize: 100, seed: 5 });
    // Two steps of a model with four linear layers (24→16→4→16→24).
    expect(spy.deferred).toBe(8);
    expect(spy.grouped).toBe(0);
  });
});
