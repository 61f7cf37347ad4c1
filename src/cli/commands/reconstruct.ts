/**
 * `latent reconstruct MODEL DATA -o OUT`: each row of DATA passed through the autoencoder, in the
 * data's own units (the model's scaler is undone), as CSV (with DATA's column names, after the id
 * column when `--id-column` names one), NPY or Parquet, or CSV on standard output for `-o -`.
 * DATA streams through the model chunk by chunk.
 */

import type { Command } from 'commander';
import { engineNote, openCommandInference, parseAcceleratorFlag } from '../accelerator-option.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { openMatrixSink, openModelAndRows, outputName, registerMatrixCommand, type MatrixFlags } from './matrix-command.js';
import { idTexts, noteTo, streamRows } from './row-stream.js';

/** Add `reconstruct` to the program. */
export function registerReconstruct(program: Command, context: CommandContext): void {
  const help = {
    summary: "write the model's reconstruction of each row of DATA",
    description:
      "Write the model's reconstruction of each row of DATA, in the data's units, to a .csv, .npy or .parquet file, " +
      'or as CSV to standard output with -o -. DATA of any size streams through in chunks.',
    output: 'OUT',
    accelerated: true,
  };
  registerMatrixCommand(program, context, 'reconstruct', help, runReconstruct);
}

export async function runReconstruct(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const accelerator = parseAcceleratorFlag(flags);
  const { model, source } = await openModelAndRows(modelPath, data, flags, io);
  const inference = await openCommandInference(model, accelerator);
  try {
    const sink = await openMatrixSink(flags, source, source.columns, io);
    const rows = await streamRows(source, sink, io, flags.quiet === true, async (chunk) => ({
      text: idTexts(chunk),
      numbers: await inference.reconstruct(chunk.x),
    }));
    noteTo(
      io,
      flags.output,
    )(`wrote ${rows} reconstructions of ${source.columns.length} features${engineNote(inference)} to ${outputName(flags.output)}\n`);
  } finally {
    await inference.close();
  }
  return 0;
}
