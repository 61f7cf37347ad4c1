/**
 * `latent demo`: the one-minute tour. Trains a dense autoencoder (784→128→k→128→784, sigmoid
 * output, BCE, Adam) on the built-in MNIST train split, then compares its test reconstruction
 * error with PCA using the same number of components, and writes a picture of digits, their
 * autoencoder reconstructions and their PCA reconstructions, plus the model.
 *
 * Defaults are sized so the run takes about two minutes with the plain js backend on two cores;
 * a faster backend only makes it shorter. Files in the output folder are never replaced without
 * --force: the check runs before training, so a refusal costs nothing.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { MNIST_SIDE } from '../../data/mnist.js';
import { loadMnist } from '../../data/node-mnist.js';
import { assertWritable } from '../../io/atomic.js';
import { trainingSummary } from '../../io/training-summary.js';
import { buildModel } from '../../models/build.js';
import { denseConfig } from '../../models/config.js';
import { saveImageGrid } from '../../report/image-grid-png.js';
import { compareWithPca } from '../../tasks/pca-baseline.js';
import { fit } from '../../train/trainer.js';
import { setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import { formatDuration, formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { parseInteger } from '../options.js';
import { checkModelOutput } from '../outputs.js';
import { createProgress } from '../progress.js';
import { saveTrainedModel } from '../save-trained.js';

/** Demo defaults: 10 epochs of 784→128→8 beat 8-component PCA by about a third on test MSE. */
export const DEMO_DEFAULTS = { latent: 8, hidden: 128, epochs: 10, lr: 0.002, batchSize: 64, seed: 42, dir: 'latent-demo' } as const;
export const DEMO_FILES = { image: 'demo-reconstructions.png', model: 'demo-model.safetensors' } as const;

interface DemoFlags {
  readonly latent?: string;
  readonly epochs?: string;
  readonly output?: string;
  readonly force?: boolean;
  readonly backend?: string;
  readonly quiet?: boolean;
}

/** Add `demo` to the program. */
export function registerDemo(program: Command, context: CommandContext): void {
  const d = DEMO_DEFAULTS;
  program
    .command('demo')
    .summary('train on built-in MNIST and compare with PCA')
    .description(
      `Train a dense autoencoder (784→${d.hidden}→k→${d.hidden}→784, sigmoid output, BCE, Adam lr ${d.lr}) on the built-in MNIST ` +
        'train split, compare its test reconstruction error with PCA using k components, and write ' +
        `${DEMO_FILES.image} (digits, autoencoder and PCA reconstructions) and ${DEMO_FILES.model}.\n\n` +
        'Existing files in the output folder are only replaced with --force (checked before training).',
    )
    .option('--latent <k>', `latent size k, also PCA's component count (default: ${d.latent})`)
    .option('--epochs <n>', `training epochs (default: ${d.epochs}, about two minutes on the js backend)`)
    .option('-o, --output <DIR>', `folder for the files, created if missing (default: ${d.dir})`)
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace existing demo files in the folder')
    .option('-q, --quiet', 'no progress output')
    .action(async (flags: DemoFlags) => {
      context.setExitCode(await runDemo(flags, context.io));
    });
}

/** Row indices of the first test digit of each class 0–9. */
function oneOfEachDigit(test: Dataset): number[] {
  const rows: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const row = test.labels?.findIndex((label) => label === digit) ?? -1;
    rows.push(row >= 0 ? row : digit);
  }
  return rows;
}

function pickRows(data: Float32Array, cols: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => out.set(data.subarray(r * cols, (r + 1) * cols), i * cols));
  return out;
}

export async function runDemo(flags: DemoFlags, io: Io): Promise<number> {
  const d = DEMO_DEFAULTS;
  const latent = flags.latent === undefined ? d.latent : parseInteger('--latent', flags.latent, { min: 1, max: d.hidden - 1 });
  const epochs = flags.epochs === undefined ? d.epochs : parseInteger('--epochs', flags.epochs, { min: 1 });
  const force = flags.force === true;
  const dir = flags.output ?? d.dir;
  const imagePath = join(dir, DEMO_FILES.image);
  const modelPath = join(dir, DEMO_FILES.model);
  mkdirSync(dir, { recursive: true });
  checkModelOutput(modelPath, force);
  assertWritable(imagePath, { overwrite: force });

  const backend = await setupBackend(flags.backend);
  const { train, test } = loadMnist();
  const model = buildModel(
    denseConfig({ inputDim: train.x.cols, hidden: [d.hidden], latentDim: latent, outputActivation: 'sigmoid', seed: d.seed }),
  );
  const quiet = flags.quiet === true;
  if (!quiet) {
    io.out(
      `training a 784→${d.hidden}→${latent}→${d.hidden}→784 autoencoder on ${train.x.rows} MNIST digits for ${epochs} epochs (backend ${backend.name}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'})\n`,
    );
  }
  const progress = createProgress(io, { quiet, epochs });
  const start = performance.now();
  const history = await fit(model, train.x, {
    epochs,
    batchSize: d.batchSize,
    loss: 'bce',
    optimizer: { name: 'adam', lr: d.lr },
    seed: d.seed,
    onBatchEnd: progress.onBatchEnd,
    onEpochEnd: progress.onEpochEnd,
  });
  const seconds = (performance.now() - start) / 1000;

  const result = compareWithPca(model, train.x, test.x);
  const ratio = result.autoencoder / result.pca;
  const winner =
    ratio < 1
      ? `the autoencoder wins: its error is ${((1 - ratio) * 100).toFixed(1)}% lower than PCA's`
      : `PCA wins: its error is ${((1 - 1 / ratio) * 100).toFixed(1)}% lower than the autoencoder's (train longer with --epochs)`;
  io.out(
    `test reconstruction MSE per pixel (${test.x.rows} digits, pixels in [0, 1]):\n` +
      `  autoencoder (latent ${latent})   ${formatLoss(result.autoencoder)}\n` +
      `  PCA (${latent} components)       ${formatLoss(result.pca)}\n` +
      `${winner}\n`,
  );

  const rows = oneOfEachDigit(test);
  const cols = test.x.cols;
  const originals = pickRows(test.x.data, cols, rows);
  const ae = model.reconstruct({ data: originals, rows: rows.length, cols });
  saveImageGrid(
    imagePath,
    [
      { label: 'original', images: originals },
      { label: 'autoencoder', images: ae.data },
      { label: 'PCA', images: pickRows(result.pcaReconstructions.data, cols, rows) },
    ],
    { height: MNIST_SIDE, width: MNIST_SIDE, scale: 3, overwrite: force },
  );
  const training = trainingSummary({
    history,
    samples: train.x.rows,
    seconds,
    backend: backend.name,
    source: 'mnist',
    options: {
      model: 'dense',
      latent,
      hidden: [d.hidden],
      loss: 'bce',
      optimizer: 'adam',
      lr: d.lr,
      epochs,
      batchSize: d.batchSize,
      seed: d.seed,
      scale: 'none',
    },
  });
  saveTrainedModel(modelPath, model, { overwrite: force, training: { ...training, testMse: result.autoencoder, pcaTestMse: result.pca } });
  io.out(
    `wrote ${imagePath} (digits; autoencoder and PCA reconstructions below)\nwrote ${modelPath} (trained in ${formatDuration(seconds)})\n`,
  );
  return 0;
}
