/**
 * `latent encode MODEL DATA -o CODES`: the latent codes of every row of DATA, as CSV (header
 * z0, z1, …) or NPY. The output path is checked before the model and data are read.
 */

import type { Command } from 'commander';
import { loadDataset } from '../../data/node-loaders.js';
import { loadModel } from '../../io/model-node.js';
import { checkFeatures, loadOptions, setupBackend, type DataFlags } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { checkMatrixOutput } from '../outputs.js';
import { codeColumns, writeMatrix } from './matrix-output.js';

export interface MatrixFlags extends DataFlags {
  readonly output: string;
  readonly force?: boolean;
  readonly backend?: string;
}

/** Add `encode` to the program. */
export function registerEncode(program: Command, context: CommandContext): void {
  program
    .command('encode')
    .summary('write the latent codes of each row of DATA')
    .description('Write the latent codes of each row of DATA (scaled as in training) to a .csv (header z0, z1, ...) or .npy file.')
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .argument('<DATA>', 'data with the same columns as the training data')
    .requiredOption('-o, --output <CODES>', 'output file, .csv or .npy')
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, data: string, flags: MatrixFlags) => {
      context.setExitCode(await runEncode(model, data, flags, context.io));
    });
}

export async function runEncode(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  checkMatrixOutput(flags.output, force);
  const options = loadOptions(flags);
  await setupBackend(flags.backend);
  const { model } = loadModel(modelPath);
  const dataset = loadDataset(data, options);
  checkFeatures(dataset, model, modelPath);
  const codes = model.encode(dataset.x);
  writeMatrix(flags.output, codes, codeColumns(codes.cols), force);
  io.out(`wrote ${codes.rows} codes of size ${codes.cols} to ${flags.output}\n`);
  return 0;
}
