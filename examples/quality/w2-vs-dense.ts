/**
 * W2 (conv-mnist) against the dense W1 model with the same latent size (32), both trained 10
 * epochs on the built-in MNIST train split (7,996 digits; BCE, Adam 1e-3, batch 128): test BCE per
 * pixel of each, and a PNG of test digits above both reconstructions.
 *
 *   npx tsx examples/quality/w2-vs-dense.ts [OUTPUT_FOLDER]
 *
 * CLI equivalent of the W2 run (its default validation split holds out 10% and early stopping is on):
 *   latent train mnist --model conv --conv-channels 32,64 --kernel 3 --stride 2 --latent 32 \
 *     --output-activation sigmoid --loss bce --epochs 10 --batch-size 128 --val-split 0 --patience 0
 */

import { join } from 'node:path';
import { matrix } from '../../src/data/matrix.js';
import { ConvAutoencoder, convConfig, DenseAutoencoder, denseConfig, type Autoencoder } from '../../src/models/index.js';
import { saveImageGrid } from '../../src/report/node.js';
import { fit } from '../../src/train/index.js';
import { mean, report, setup } from './common.js';

const EPOCHS = 10;
const { out, mnist, backend } = await setup();
const { train, test } = mnist;

async function trainAndScore(name: string, model: Autoencoder): Promise<{ bce: number; seconds: number }> {
  const start = performance.now();
  await fit(model, train.x, {
    epochs: EPOCHS,
    batchSize: 128,
    validationSplit: 0,
    loss: 'bce',
    optimizer: { name: 'adam', lr: 1e-3 },
    seed: 1,
    onEpochEnd: (log) =>
      void process.stderr.write(
        `${name} epoch ${log.epoch + 1}/${EPOCHS} loss ${log.loss.toFixed(4)} ${log.samplesPerSecond.toFixed(0)} samples/s\n`,
      ),
  });
  return { bce: mean(model.reconstructionError(test.x, 'bce')), seconds: (performance.now() - start) / 1000 };
}

const w2 = new ConvAutoencoder(
  convConfig({
    channels: 1,
    height: 28,
    width: 28,
    convChannels: [32, 64],
    kernel: 3,
    stride: 2,
    padding: 1,
    latentDim: 32,
    activation: 'relu',
    outputActivation: 'sigmoid',
    seed: 1,
  }),
);
const dense = new DenseAutoencoder(
  denseConfig({
    inputDim: 784,
    hidden: [512, 128],
    latentDim: 32,
    activation: 'relu',
    outputActivation: 'sigmoid',
    seed: 1,
  }),
);
const conv = await trainAndScore('W2 conv', w2);
const base = await trainAndScore('W1 dense', dense);

const shown = matrix(test.x.data.slice(0, 16 * 784), 16, 784);
const png = join(out, 'w2-reconstructions.png');
saveImageGrid(
  png,
  [
    { label: 'test digits', images: shown.data },
    { label: 'W2 conv', images: w2.reconstruct(shown).data },
    { label: 'W1 dense', images: dense.reconstruct(shown).data },
  ],
  { height: 28, width: 28, scale: 2, overwrite: true },
);

report(`backend ${backend}; MNIST train ${train.x.rows} digits, test ${test.x.rows} digits; ${EPOCHS} epochs, batch 128, Adam 1e-3, BCE`);
report(`W2 conv (latent 32, ${w2.parameterCount()} parameters): test BCE per pixel ${conv.bce.toFixed(4)} (${conv.seconds.toFixed(0)} s)`);
report(
  `W1 dense 784-512-128-32 (${dense.parameterCount()} parameters): test BCE per pixel ${base.bce.toFixed(4)} (${base.seconds.toFixed(0)} s)`,
);
report(`W2 ${conv.bce < base.bce ? 'beats' : 'does NOT beat'} the dense model by ${(base.bce - conv.bce).toFixed(4)} nats per pixel`);
report(`wrote ${png}`);
process.exit(0);
