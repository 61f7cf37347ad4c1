/**
 * One seed, one result, however many threads: the wasm backend splits kernels into disjoint
 * pieces computed the same way, so seeded training gives bit-identical weights on 1 and 2
 * threads, run after run. An end-to-end guard for any kernel whose split would change the order
 * of a sum; the pool's hand-off race has its own, sharper test (backend/wasm/thread-pool.test.ts).
 */

import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../backend/registry.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import { loadMnist } from '../data/node-mnist.js';
import { matrix } from '../data/matrix.js';
import { ConvAutoencoder, convConfig, DenseAutoencoder, denseConfig, type Autoencoder } from '../models/index.js';
import { W2_CONFIG } from '../models/test-utils/w2.js';
import { fit } from './index.js';

const original = getBackend();
afterAll(() => setBackend(original));

const x = (() => {
  const rows = 384;
  return matrix(loadMnist().train.x.data.slice(0, rows * 784), rows, 784);
})();

const families: Record<string, () => Autoencoder> = {
  dense: () =>
    new DenseAutoencoder(
      denseConfig({ inputDim: 784, hidden: [256, 64], latentDim: 16, outputActivation: 'sigmoid', dropout: 0.1, seed: 4 }),
    ),
  conv: () => new ConvAutoencoder(convConfig({ ...W2_CONFIG, seed: 4 })),
};

async function trainedWeights(threads: number, build: () => Autoencoder): Promise<Float32Array[]> {
  setBackend(await createWasmBackend({ threads }));
  const model = build();
  await fit(model, x, { epochs: 2, batchSize: 64, seed: 8, loss: 'bce' });
  return model.parameters().map((p) => Float32Array.from(p.data));
}

describe.each(Object.keys(families))('seeded %s training on the wasm backend', (family) => {
  it('gives bit-identical weights on 1 and 2 threads, three runs in a row', async () => {
    const reference = await trainedWeights(1, families[family]!);
    for (let run = 0; run < 3; run++) {
      const weights = await trainedWeights(2, families[family]!);
      weights.forEach((w, i) =>
        expect(Buffer.from(w.buffer).equals(Buffer.from(reference[i]!.buffer)), `run ${run}, parameter ${i}`).toBe(true),
      );
    }
  });
});
