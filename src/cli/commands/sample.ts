/**
 * `latent sample MODEL -n 64 -o SAMPLES.png|.npy|.csv`: new samples from a variational
 * autoencoder, decoding codes drawn from the prior N(0, I). A PNG grid when the model was trained
 * on images; a matrix file otherwise. `--seed` makes the draw repeatable.
 */

import type { Command } from 'commander';
import { LatentError } from '../../errors.js';
import { VariationalAutoencoder } from '../../models/vae.js';
import { Rng } from '../../tensor/rng.js';
import { setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';
import { parseInteger } from '../options.js';
import { checkImageOutput, writeGenerated } from './image-output.js';

export interface SampleFlags {
  readonly output: string;
  readonly count?: string;
  readonly seed?: string;
  readonly force?: boolean;
  readonly backend?: string;
}

/** Add `sample` to the program. */
export function registerSample(program: Command, context: CommandContext): void {
  program
    .command('sample')
    .summary('draw new samples from a variational autoencoder')
    .description(
      'Decode codes drawn from the prior N(0, I) of a variational autoencoder (--model vae): a PNG grid for image models, else a .npy or .csv file.',
    )
    .argument('<MODEL>', 'model file (.safetensors) of a variational autoencoder')
    .requiredOption('-o, --output <FILE>', 'output file: .png (image models), .npy or .csv')
    .option('-n, --count <n>', 'number of samples (default: 64)')
    .option('--seed <n>', 'seed of the draw (default: 0)')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, flags: SampleFlags) => {
      context.setExitCode(await runSample(model, flags, context.io));
    });
}

/** The model at `path`, which must be a variational autoencoder. */
export function loadVae(
  path: string,
  command: string,
  second: string | null = null,
): { model: VariationalAutoencoder; training: Record<string, unknown> | null } {
  const { model, training } = loadModelArgument(path, second);
  if (!(model instanceof VariationalAutoencoder)) {
    throw new LatentError(
      `${path} holds a ${model.config.kind} autoencoder; latent ${command} needs a variational one`,
      'train one with: latent train DATA --model vae',
    );
  }
  return { model, training };
}

export async function runSample(modelPath: string, flags: SampleFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  const count = flags.count === undefined ? 64 : parseInteger('--count', flags.count, { min: 1, max: 1_000_000 });
  const seed = flags.seed === undefined ? 0 : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 });
  checkImageOutput(flags.output, force);
  await setupBackend(flags.backend);
  const { model, training } = loadVae(modelPath, 'sample');
  const samples = model.sample(count, new Rng(seed));
  writeGenerated(flags.output, samples, model, Math.ceil(Math.sqrt(count)), force, training);
  io.out(`wrote ${count} samples to ${flags.output}\n`);
  return 0;
}
