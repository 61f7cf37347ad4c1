/**
 * `latent reconstruct MODEL DATA -o OUT`: each row of DATA passed through the autoencoder, in the
 * data's own units (the model's scaler is undone), as CSV (with DATA's column names) or NPY.
 */

import type { Command } from 'commander';
import { loadDataset } from '../../data/node-loaders.js';
import { loadModel } from '../../io/model-node.js';
import { checkFeatures, loadOptions, setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { checkMatrixOutput } from '../outputs.js';
import type { MatrixFlags } from './encode.js';
import { writeMatrix } from './matrix-output.js';

/** Add `reconstruct` to the program. */
export function registerReconstruct(program: Command, context: CommandContext): void {
  program
    .command('reconstruct')
    .summary("write the model's reconstruction of each row of DATA")
    .description("Write the model's reconstruction of each row of DATA, in the data's units, to a .csv or .npy file.")
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .argument('<DATA>', 'data with the same columns as the training data')
    .requiredOption('-o, --output <OUT>', 'output file, .csv or .npy')
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, data: string, flags: MatrixFlags) => {
      context.setExitCode(await runReconstruct(model, data, flags, context.io));
    });
}

export async function runReconstruct(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  checkMatrixOutput(flags.output, force);
  const options = loadOptions(flags);
  await setupBackend(flags.backend);
  const { model } = loadModel(modelPath);
  const dataset = loadDataset(data, options);
  checkFeatures(dataset, model, modelPath);
  const out = model.reconstruct(dataset.x);
  writeMatrix(flags.output, out, dataset.columns, force);
  io.out(`wrote ${out.rows} reconstructions of ${out.cols} features to ${flags.output}\n`);
  return 0;
}
