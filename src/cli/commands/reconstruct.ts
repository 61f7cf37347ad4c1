/**
 * `latent reconstruct MODEL DATA -o OUT`: each row of DATA passed through the autoencoder, in the
 * data's own units (the model's scaler is undone), as CSV (with DATA's column names) or NPY.
 */

import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelAndData, registerMatrixCommand, type MatrixFlags } from './matrix-command.js';
import { writeMatrix } from './matrix-output.js';

/** Add `reconstruct` to the program. */
export function registerReconstruct(program: Command, context: CommandContext): void {
  const help = {
    summary: "write the model's reconstruction of each row of DATA",
    description: "Write the model's reconstruction of each row of DATA, in the data's units, to a .csv or .npy file.",
    output: 'OUT',
  };
  registerMatrixCommand(program, context, 'reconstruct', help, runReconstruct);
}

export async function runReconstruct(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const { model, dataset, force } = await loadModelAndData(modelPath, data, flags);
  const out = model.reconstruct(dataset.x);
  writeMatrix(flags.output, out, dataset.columns, force);
  io.out(`wrote ${out.rows} reconstructions of ${out.cols} features to ${flags.output}\n`);
  return 0;
}
