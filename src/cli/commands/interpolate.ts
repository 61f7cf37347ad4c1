/**
 * `latent interpolate MODEL DATA --from I --to J --steps 10 -o STRIP.png`: decode evenly spaced
 * points on the line between the codes of rows I and J of DATA (both ends included), with a
 * variational autoencoder. A PNG strip for image models; a matrix file otherwise.
 */

import type { Command } from 'commander';
import { matrix } from '../../data/matrix.js';
import { loadDataset } from '../../data/node-loaders.js';
import { LatentError } from '../../errors.js';
import { checkFeatures, loadOptions, setupBackend, type DataFlags } from '../common.js';
import { modelDataOptions } from '../model-input.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { parseInteger } from '../options.js';
import { checkImageOutput, writeGenerated } from './image-output.js';
import { loadVae } from './sample.js';

export interface InterpolateFlags extends DataFlags {
  readonly output: string;
  readonly from: string;
  readonly to: string;
  readonly steps?: string;
  readonly force?: boolean;
  readonly backend?: string;
}

/** Add `interpolate` to the program. */
export function registerInterpolate(program: Command, context: CommandContext): void {
  program
    .command('interpolate')
    .summary('morph one row of DATA into another through the latent space of a variational autoencoder')
    .description(
      'Decode evenly spaced points between the codes of rows --from and --to of DATA (rows counted from 0), with a variational autoencoder.',
    )
    .argument('<MODEL>', 'model file (.safetensors) of a variational autoencoder')
    .argument('<DATA>', 'data with the same columns as the training data')
    .requiredOption('--from <row>', 'first row (0-based)')
    .requiredOption('--to <row>', 'last row (0-based)')
    .requiredOption('-o, --output <FILE>', 'output file: .png (image models), .npy or .csv')
    .option('--steps <n>', 'number of images, both ends included (default: 10)')
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated (default: the columns the model was trained on)')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, data: string, flags: InterpolateFlags) => {
      context.setExitCode(await runInterpolate(model, data, flags, context.io));
    });
}

export async function runInterpolate(modelPath: string, data: string, flags: InterpolateFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  const from = parseInteger('--from', flags.from, { min: 0 });
  const to = parseInteger('--to', flags.to, { min: 0 });
  const steps = flags.steps === undefined ? 10 : parseInteger('--steps', flags.steps, { min: 2, max: 10_000 });
  checkImageOutput(flags.output, force);
  loadOptions(flags, data);
  await setupBackend(flags.backend);
  const { model, training } = loadVae(modelPath, 'interpolate', 'the data');
  const dataset = loadDataset(data, modelDataOptions(flags, data, training, modelPath));
  checkFeatures(dataset, model, modelPath);
  const { rows, cols } = dataset.x;
  for (const [flag, row] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (row >= rows)
      throw new LatentError(
        `${flag} ${row} is past the last row of ${dataset.source} (${rows} rows, counted from 0)`,
        `choose a row below ${rows}`,
      );
  }
  const row = (i: number) => matrix(dataset.x.data.slice(i * cols, (i + 1) * cols), 1, cols);
  const path = model.interpolate(row(from), row(to), steps);
  writeGenerated(flags.output, path, model, steps, force, training);
  io.out(`wrote ${steps} steps from row ${from} to row ${to} to ${flags.output}\n`);
  return 0;
}
