/**
 * `latent reduce MODEL DATA -o CODES`: dimensionality reduction with a trained model — the latent
 * codes of every row (as `encode` writes them), plus how much of the data the codes keep: the
 * reconstruction error per feature and the fraction of variance explained, in the model's scaled
 * units.
 */

import type { Command } from 'commander';
import { reductionQuality } from '../../tasks/explained-variance.js';
import { AutoencoderReducer } from '../../tasks/reducer.js';
import type { CommandContext } from '../context.js';
import { formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { loadModelAndData, registerMatrixCommand, type MatrixFlags } from './matrix-command.js';
import { codeColumns, writeMatrix } from './matrix-output.js';

/** Add `reduce` to the program. */
export function registerReduce(program: Command, context: CommandContext): void {
  const help = {
    summary: 'reduce each row of DATA to its latent codes, and report what they keep',
    description:
      'Write the latent codes of each row of DATA to a .csv (header z0, z1, ...) or .npy file, and print the ' +
      "reconstruction error per feature and the fraction of variance the codes explain (in the model's scaled units).\n\n" +
      'MODEL comes from latent train (choose the code size there with --latent; latent sweep helps pick it).',
    output: 'CODES',
  };
  registerMatrixCommand(program, context, 'reduce', help, runReduce);
}

export async function runReduce(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const { model, dataset, force } = await loadModelAndData(modelPath, data, flags);
  const reducer = AutoencoderReducer.fromModel(model);
  const codes = reducer.transform(dataset.x);
  writeMatrix(flags.output, codes, codeColumns(codes.cols), force);
  const { error, explained } = reductionQuality(model, dataset.x);
  io.out(
    `wrote ${codes.rows} codes of size ${codes.cols} (from ${dataset.x.cols} features) to ${flags.output}\n` +
      `reconstruction MSE per feature ${formatLoss(error)}, variance explained ${(100 * explained).toFixed(1)}% (scaled units)\n`,
  );
  return 0;
}
