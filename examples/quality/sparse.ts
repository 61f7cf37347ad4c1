/**
 * Sparse autoencoder on MNIST: does the KL sparsity penalty hold the mean latent activation near
 * the target ρ? Trains 784-64 (sigmoid code, ρ = 0.05, sparsity weight 3) for 10 epochs on the
 * built-in train split and reports the mean activation of the codes of the test digits, plus a PNG
 * of test digits above their reconstructions.
 *
 *   npx tsx examples/quality/sparse.ts [OUTPUT_FOLDER]
 *
 * CLI equivalent:
 *   latent train mnist --model sparse --hidden none --latent 64 --rho 0.05 --sparsity-weight 3 \
 *     --output-activation sigmoid --epochs 10 --batch-size 128 --val-split 0 --patience 0 -o sparse.safetensors
 *   latent encode sparse.safetensors mnist:test -o codes.npy
 */

import { join } from 'node:path';
import { matrix } from '../../src/data/matrix.js';
import { SparseAutoencoder, sparseConfig } from '../../src/models/index.js';
import { saveImageGrid } from '../../src/report/node.js';
import { fit } from '../../src/train/index.js';
import { mean, report, setup } from './common.js';

const RHO = 0.05;
const { out, mnist, backend } = await setup();
const { train, test } = mnist;
const model = new SparseAutoencoder(
  sparseConfig({
    inputDim: 784,
    hidden: [],
    latentDim: 64,
    rho: RHO,
    sparsityWeight: 3,
    outputActivation: 'sigmoid',
    seed: 1,
  }),
);
await fit(model, train.x, { epochs: 10, batchSize: 128, validationSplit: 0, loss: 'bce', optimizer: { name: 'adam', lr: 1e-3 }, seed: 1 });
const codes = model.encode(test.x);
const activation = mean(codes.data);
const error = Math.abs(activation - RHO) / RHO;
const shown = matrix(test.x.data.slice(0, 16 * 784), 16, 784);
const png = join(out, 'sparse-reconstructions.png');
saveImageGrid(
  png,
  [
    { label: 'test digits', images: shown.data },
    { label: 'sparse 64', images: model.reconstruct(shown).data },
  ],
  { height: 28, width: 28, scale: 2, overwrite: true },
);
report(`backend ${backend}; sparse 784-64 (sigmoid code), rho ${RHO}, weight 3, 10 epochs on ${train.x.rows} MNIST digits`);
report(
  `mean latent activation on ${test.x.rows} test digits: ${activation.toFixed(4)} (target ${RHO}, off by ${(100 * error).toFixed(1)}%: ${error <= 0.2 ? 'within' : 'NOT within'} 20%)`,
);
report(`test BCE per pixel ${mean(model.reconstructionError(test.x, 'bce')).toFixed(4)}; wrote ${png}`);
process.exit(0);
