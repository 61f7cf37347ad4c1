/**
 * Sparse autoencoder on MNIST: does the KL sparsity penalty hold the mean latent activation near
 * the target ρ while the codes still reconstruct the digits? Trains 784-256-64 (ReLU hidden layer,
 * sigmoid code, ρ = 0.05, the default sparsity weight) for 10 epochs on the built-in train split,
 * and the dense model of the same shape (sigmoid code, no penalty) with the same settings for
 * comparison. Reports the mean activation of the codes of the test digits, the test BCE per pixel
 * of both models, and writes a PNG of test digits above their two reconstructions.
 *
 *   npx tsx examples/quality/sparse.ts [OUTPUT_FOLDER]
 *
 * CLI equivalent (the sparse model; the sparsity weight is left at its default):
 *   latent train mnist --model sparse --hidden 256 --latent 64 --rho 0.05 --lr 0.003 --epochs 10 \
 *     --batch-size 64 --val-split 0 --patience 0 --seed 1 -o sparse.safetensors
 *   latent encode sparse.safetensors mnist:test -o codes.npy
 */

import { join } from 'node:path';
import { matrix } from '../../src/data/matrix.js';
import { DenseAutoencoder, denseConfig, SparseAutoencoder, sparseConfig } from '../../src/models/index.js';
import type { Autoencoder } from '../../src/models/index.js';
import { saveImageGrid } from '../../src/report/node.js';
import { fit } from '../../src/train/index.js';
import { mean, report, setup } from './common.js';

const RHO = 0.05;
const EPOCHS = 10;
const { out, mnist, backend } = await setup();
const { train, test } = mnist;
const shape = { inputDim: 784, hidden: [256], latentDim: 64, latentActivation: 'sigmoid', outputActivation: 'sigmoid', seed: 1 } as const;
const sparse = new SparseAutoencoder(sparseConfig({ ...shape, rho: RHO }));
const dense = new DenseAutoencoder(denseConfig(shape));
const train10 = async (model: Autoencoder): Promise<void> => {
  await fit(model, train.x, {
    epochs: EPOCHS,
    batchSize: 64,
    validationSplit: 0,
    loss: 'bce',
    optimizer: { name: 'adam', lr: 3e-3 },
    seed: 1,
  });
};
await train10(sparse);
await train10(dense);

const activation = mean(sparse.encode(test.x).data);
const error = Math.abs(activation - RHO) / RHO;
const shown = matrix(test.x.data.slice(0, 16 * 784), 16, 784);
const png = join(out, 'sparse-reconstructions.png');
saveImageGrid(
  png,
  [
    { label: 'test digits', images: shown.data },
    { label: 'sparse 64', images: sparse.reconstruct(shown).data },
    { label: 'dense 64', images: dense.reconstruct(shown).data },
  ],
  { height: 28, width: 28, scale: 2, overwrite: true },
);
report(
  `backend ${backend}; 784-256-64 (sigmoid code), ${EPOCHS} epochs on ${train.x.rows} MNIST digits, Adam 3e-3, batch 64; ` +
    `sparse: rho ${RHO}, sparsity weight ${sparse.config.sparsityWeight}`,
);
report(
  `mean latent activation on ${test.x.rows} test digits: ${activation.toFixed(4)} (target ${RHO}, off by ${(100 * error).toFixed(1)}%: ${error <= 0.2 ? 'within' : 'NOT within'} 20%)`,
);
const bce = (model: Autoencoder): string => mean(model.reconstructionError(test.x, 'bce')).toFixed(4);
report(`test BCE per pixel: sparse ${bce(sparse)}, dense of the same shape ${bce(dense)}, the mean training image ${meanImageBce()}`);
report(`wrote ${png}`);

/** The floor a useless model reaches: every test digit predicted as the mean training image. */
function meanImageBce(): string {
  const pixels = train.x.cols;
  const average = new Float64Array(pixels);
  for (let i = 0; i < train.x.data.length; i++) average[i % pixels]! += train.x.data[i]! / train.x.rows;
  let total = 0;
  for (let i = 0; i < test.x.data.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, average[i % pixels]!));
    const t = test.x.data[i]!;
    total -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
  }
  return (total / test.x.data.length).toFixed(4);
}
process.exit(0);
