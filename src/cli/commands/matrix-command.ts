/**
 * The shape shared by the commands that run a model over every row of a data file and write one
 * matrix (`encode`, `reconstruct`, `reduce`): arguments MODEL and DATA, `-o OUT` (.csv or .npy),
 * the CSV column flags, `--backend` and `--force`; and their common first steps, in the order
 * that fails fastest — the output path, the flags, the backend, the model, then the data.
 */

import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { loadDataset } from '../../data/node-loaders.js';
import type { Autoencoder } from '../../models/autoencoder.js';
import { checkFeatures, loadOptions, setupBackend, type DataFlags } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelArgument, modelDataOptions } from '../model-input.js';
import { checkMatrixOutput } from '../outputs.js';

export interface MatrixFlags extends DataFlags {
  readonly output: string;
  readonly force?: boolean;
  readonly backend?: string;
}

/** What a matrix command says about itself in `--help`. */
export interface MatrixCommandHelp {
  readonly summary: string;
  readonly description: string;
  /** The placeholder of `-o`, e.g. `CODES`. */
  readonly output: string;
}

/** A matrix command's work: returns the exit code. */
export type MatrixRun = (modelPath: string, data: string, flags: MatrixFlags, io: Io) => Promise<number>;

/**
 * Add the command `name` to the program, with the options every matrix command takes.
 *
 * @example
 * registerMatrixCommand(program, context, 'encode', { summary, description, output: 'CODES' }, runEncode);
 */
export function registerMatrixCommand(
  program: Command,
  context: CommandContext,
  name: string,
  help: MatrixCommandHelp,
  run: MatrixRun,
): void {
  program
    .command(name)
    .summary(help.summary)
    .description(help.description)
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .argument('<DATA>', 'data with the same columns as the training data')
    .requiredOption(`-o, --output <${help.output}>`, 'output file, .csv or .npy')
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated (default: the columns the model was trained on)')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, data: string, flags: MatrixFlags) => {
      context.setExitCode(await run(model, data, flags, context.io));
    });
}

export interface ModelAndData {
  readonly model: Autoencoder;
  readonly dataset: Dataset;
  /** Whether an existing output file may be replaced. */
  readonly force: boolean;
}

/**
 * Check the output path, set up the backend, load the model and the data (a CSV by the model's
 * training columns unless `--columns` is given), and check that the data has the model's width.
 *
 * @example
 * const { model, dataset, force } = await loadModelAndData('m.safetensors', 'data.csv', flags);
 */
export async function loadModelAndData(modelPath: string, data: string, flags: MatrixFlags): Promise<ModelAndData> {
  const force = flags.force === true;
  checkMatrixOutput(flags.output, force);
  loadOptions(flags, data);
  await setupBackend(flags.backend);
  const { model, training } = loadModelArgument(modelPath);
  const dataset = loadDataset(data, modelDataOptions(flags, data, training, modelPath));
  checkFeatures(dataset, model, modelPath);
  return { model, dataset, force };
}
