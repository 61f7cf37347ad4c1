/**
 * `latent denoise-demo`: the denoising tour. Trains a denoising autoencoder on the built-in MNIST
 * digits with Gaussian noise (σ = 0.5, clipped to [0, 1]) on the inputs and clean targets, then
 * corrupts the test digits with fresh noise and prints PSNR and SSIM of the noisy and the
 * denoised digits, and writes a clean / noisy / denoised picture and the model (with its noise
 * settings, so `latent denoise` knows the image shape).
 *
 * Files in the output folder are only replaced with --force; the check runs before training.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadMnist } from '../../data/node-mnist.js';
import { assertWritable } from '../../io/atomic.js';
import { trainingSummary } from '../../io/training-summary.js';
import { denoiseDemo } from '../../tasks/denoise-files.js';
import { formatCorruption, parseCorruption } from '../../train/corruption.js';
import { setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import { formatDuration } from '../format.js';
import type { Io } from '../io.js';
import { parseInteger, parseIntegerList } from '../options.js';
import { checkModelOutput } from '../outputs.js';
import { saveTrainedModel } from '../save-trained.js';
import { qualityTable } from './denoise.js';
import { taskProgress } from './task-progress.js';

/** A fixed budget keeps the demo quick: 8 epochs of the default 7,996 digits are 1,000 steps. */
const DEMO_EPOCHS = 8;

export const DENOISE_DEMO_DEFAULTS = { noise: 'gaussian:0.5', seed: 42, dir: 'latent-denoise-demo' } as const;
export const DENOISE_DEMO_FILES = { image: 'denoise-grid.png', model: 'denoise-model.safetensors' } as const;

interface DenoiseDemoFlags {
  readonly epochs?: string;
  readonly latent?: string;
  readonly hidden?: string;
  readonly noise?: string;
  readonly seed?: string;
  readonly trainRows?: string;
  readonly testRows?: string;
  readonly output?: string;
  readonly force?: boolean;
  readonly backend?: string;
  readonly quiet?: boolean;
}

/** Add `denoise-demo` to the program. */
export function registerDenoiseDemo(program: Command, context: CommandContext): void {
  const d = DENOISE_DEMO_DEFAULTS;
  program
    .command('denoise-demo')
    .summary('train a denoising autoencoder on built-in MNIST and show noisy vs denoised digits')
    .description(
      `Train a denoising autoencoder on the built-in MNIST train digits with ${d.noise} noise clipped to [0, 1] on the ` +
        'inputs (clean targets), corrupt the test digits with fresh noise, print PSNR and SSIM of the noisy and the ' +
        `denoised digits, and write ${DENOISE_DEMO_FILES.image} (clean / noisy / denoised) and ${DENOISE_DEMO_FILES.model}.\n\n` +
        'Existing files in the output folder are only replaced with --force (checked before training).',
    )
    .option('--epochs <n>', `training epochs (default: ${DEMO_EPOCHS}, about 1000 optimizer steps, so the demo stays quick)`)
    .option('--latent <k>', 'latent size (default: from the 784 pixels)')
    .option('--hidden <sizes>', 'encoder hidden sizes, comma-separated, mirrored in the decoder (default: from the 784 pixels)')
    .option('--noise <kind:amount>', `gaussian:S, mask:F or saltpepper:F (default: ${d.noise})`)
    .option('--seed <n>', `seed of the weights and the noise (default: ${d.seed})`)
    .option('--train-rows <n>', 'training digits used (default: all 7,996)')
    .option('--test-rows <n>', 'test digits evaluated (default: all 2,004)')
    .option('-o, --output <DIR>', `folder for the files, created if missing (default: ${d.dir})`)
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace existing files in the folder')
    .option('-q, --quiet', 'no progress output')
    .action(async (flags: DenoiseDemoFlags) => {
      context.setExitCode(await runDenoiseDemo(flags, context.io));
    });
}

export async function runDenoiseDemo(flags: DenoiseDemoFlags, io: Io): Promise<number> {
  const d = DENOISE_DEMO_DEFAULTS;
  const corruption = parseCorruption(flags.noise ?? d.noise);
  const seed = flags.seed === undefined ? d.seed : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 });
  const epochs = flags.epochs === undefined ? undefined : parseInteger('--epochs', flags.epochs, { min: 1 });
  const latent = flags.latent === undefined ? undefined : parseInteger('--latent', flags.latent, { min: 1, max: 783 });
  const hidden = flags.hidden === undefined ? undefined : parseIntegerList('--hidden', flags.hidden, { min: 1 });
  const trainRows = flags.trainRows === undefined ? undefined : parseInteger('--train-rows', flags.trainRows, { min: 1 });
  const testRows = flags.testRows === undefined ? undefined : parseInteger('--test-rows', flags.testRows, { min: 1 });
  const force = flags.force === true;
  const dir = flags.output ?? d.dir;
  const imagePath = join(dir, DENOISE_DEMO_FILES.image);
  const modelPath = join(dir, DENOISE_DEMO_FILES.model);
  mkdirSync(dir, { recursive: true });
  checkModelOutput(modelPath, force);
  assertWritable(imagePath, { overwrite: force });

  const backend = await setupBackend(flags.backend);
  const quiet = flags.quiet === true;
  if (!quiet)
    io.out(
      `training a denoising autoencoder on MNIST digits with ${formatCorruption(corruption)} noise clipped to [0, 1] (backend ${backend.name})\n`,
    );
  const progress = taskProgress(io, quiet);
  const start = performance.now();
  let result: Awaited<ReturnType<typeof denoiseDemo>>;
  try {
    result = await denoiseDemo({
      corruption,
      seed,
      epochs: epochs ?? DEMO_EPOCHS,
      ...(latent === undefined ? {} : { latentDim: latent }),
      ...(hidden === undefined ? {} : { hidden }),
      ...(trainRows === undefined ? {} : { trainRows }),
      ...(testRows === undefined ? {} : { testRows }),
      gridPath: imagePath,
      overwrite: force,
      onBatchEnd: progress.onBatchEnd,
      onEpochEnd: progress.onEpochEnd,
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const { denoiser, evaluation } = result;
  const history = denoiser.history;
  const training =
    history === undefined
      ? undefined
      : trainingSummary({
          history,
          samples: trainRows ?? loadMnist().train.x.rows, // cached: denoiseDemo loaded it
          seconds,
          backend: backend.name,
          source: 'mnist',
          options: {
            model: 'dense',
            latent: denoiser.model.latentDim,
            hidden: Reflect.get(denoiser.model.config, 'hidden') ?? null,
            noise: formatCorruption(corruption),
            seed,
            epochs: history.epochs.length,
            scale: 'none',
          },
        });
  saveTrainedModel(modelPath, denoiser.model, {
    overwrite: force,
    extra: denoiser.denoiserExtra(),
    ...(training === undefined ? {} : { training }),
  });
  io.out(
    `test digits with fresh ${formatCorruption(corruption)} noise:\n` +
      qualityTable(evaluation, 'peak 1') +
      `wrote ${imagePath} (clean / noisy / denoised)\nwrote ${modelPath} (trained in ${formatDuration(seconds)})\n`,
  );
  return 0;
}
