/**
 * `latent sample MODEL -n 64 -o SAMPLES.png|.npy|.csv`: new samples from a variational
 * autoencoder, decoding codes drawn from the prior N(0, I). A PNG grid when the model was trained
 * on images; a matrix file otherwise. `--seed` makes the draw repeatable. `--grid N` decodes the
 * latent plane instead: an N×N grid of points at the prior's quantiles (the Keras VAE picture).
 */

import type { Command } from 'commander';
import { LatentError } from '../../errors.js';
import { matrix } from '../../data/matrix.js';
import { VariationalAutoencoder } from '../../models/vae.js';
import { PLANE_PROBABILITIES, planeAxis, planeCodes, planeRows } from '../../tasks/latent-plane.js';
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
  readonly grid?: string;
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
    .option(
      '--grid <n>',
      'decode the latent plane instead of random draws: n×n points, z₁ across and z₂ up, at the N(0, 1) quantiles of 5% to 95%, other dimensions 0',
    )
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
  if (flags.grid !== undefined && (flags.count !== undefined || flags.seed !== undefined)) {
    throw new LatentError(
      `--grid decodes a fixed grid of latent points, so ${flags.count !== undefined ? '--count' : '--seed'} has nothing to choose`,
      'pass --grid N for the latent plane, or --count and --seed for random draws',
    );
  }
  const grid = flags.grid === undefined ? undefined : parseInteger('--grid', flags.grid, { min: 1, max: 100 });
  const count = flags.count === undefined ? 64 : parseInteger('--count', flags.count, { min: 1, max: 1_000_000 });
  const seed = flags.seed === undefined ? 0 : parseInteger('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1 });
  checkImageOutput(flags.output, force);
  await setupBackend(flags.backend);
  const { model, training } = loadVae(modelPath, 'sample');
  if (grid !== undefined) {
    const axis = planeAxis(grid);
    const rows = planeRows(grid, model.latentDim) * grid;
    const plane = model.decode(matrix(planeCodes(axis, model.latentDim), rows, model.latentDim));
    writeGenerated(flags.output, plane, model, grid, force, training);
    const span = `${axis[0]!.toFixed(2)} to ${axis[grid - 1]!.toFixed(2)}`;
    const [lo, hi] = PLANE_PROBABILITIES.map((p) => `${p * 100}%`);
    const layout = model.latentDim > 1 ? `z₁ across and z₂ up, each from ${span}` : `z₁ across, from ${span}`;
    io.out(
      `wrote the latent plane (${rows / grid}×${grid} points, ${layout}: the N(0, 1) quantiles of ${lo} to ${hi}` +
        `${model.latentDim > 2 ? `, the other ${model.latentDim - 2} dimensions at 0` : ''}) to ${flags.output}\n`,
    );
    return 0;
  }
  const samples = model.sample(count, new Rng(seed));
  writeGenerated(flags.output, samples, model, Math.ceil(Math.sqrt(count)), force, training);
  io.out(`wrote ${count} samples to ${flags.output}\n`);
  return 0;
}
