/**
 * `latent encode MODEL DATA -o CODES`: the latent codes of every row of DATA, as CSV (header
 * z0, z1, …) or NPY. The output path is checked before the model and data are read.
 */

import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelAndData, registerMatrixCommand, type MatrixFlags } from './matrix-command.js';
import { codeColumns, writeMatrix } from './matrix-output.js';

/** Add `encode` to the program. */
export function registerEncode(program: Command, context: CommandContext): void {
  const help = {
    summary: 'write the latent codes of each row of DATA',
    description: 'Write the latent codes of each row of DATA (scaled as in training) to a .csv (header z0, z1, ...) or .npy file.',
    output: 'CODES',
  };
  registerMatrixCommand(program, context, 'encode', help, runEncode);
}

export async function runEncode(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const { model, dataset, force } = await loadModelAndData(modelPath, data, flags);
  const codes = model.encode(dataset.x);
  writeMatrix(flags.output, codes, codeColumns(codes.cols), force);
  io.out(`wrote ${codes.rows} codes of size ${codes.cols} to ${flags.output}\n`);
  return 0;
}
