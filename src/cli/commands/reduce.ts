/**
 * `latent reduce MODEL DATA -o CODES`: dimensionality reduction with a trained model — the latent
 * codes of every row (as `encode` writes them), plus how much of the data the codes keep: the
 * reconstruction error per feature and the fraction of variance explained, in the model's scaled
 * units. DATA streams through the model chunk by chunk, and the quality measures accumulate as it
 * goes (float64).
 */

import type { Command } from 'commander';
import { AutoencoderReducer } from '../../tasks/reducer.js';
import { ReductionQualityAccumulator } from '../../tasks/streaming-quality.js';
import type { CommandContext } from '../context.js';
import { formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { openMatrixSink, openModelAndRows, outputName, registerMatrixCommand, type MatrixFlags } from './matrix-command.js';
import { codeColumns } from './matrix-output.js';
import { idTexts, noteTo, streamRows } from './row-stream.js';

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
  const { model, source } = await openModelAndRows(modelPath, data, flags, io);
  const reducer = AutoencoderReducer.fromModel(model);
  const quality = new ReductionQualityAccumulator(model);
  const sink = await openMatrixSink(flags, source, codeColumns(model.latentDim), io);
  const rows = await streamRows(source, sink, io, flags.quiet === true, (chunk) => {
    quality.add(chunk.x);
    return { text: idTexts(chunk), numbers: reducer.transform(chunk.x) };
  });
  const { error, explained } = quality.result();
  noteTo(
    io,
    flags.output,
  )(
    `wrote ${rows} codes of size ${model.latentDim} (from ${source.columns.length} features) to ${outputName(flags.output)}\n` +
      `reconstruction MSE per feature ${formatLoss(error)}, variance explained ${(100 * explained).toFixed(1)}% (scaled units)\n`,
  );
  return 0;
}
