/**
 * `latent encode MODEL DATA -o CODES`: the latent codes of every row of DATA, as CSV (header
 * z0, z1, …, after the id column when `--id-column` names one), NPY or Parquet, or CSV on standard
 * output for `-o -`. DATA streams through the model chunk by chunk. The output path is checked
 * before the model and data are read.
 */

import type { Command } from 'commander';
import { engineNote, openCommandInference, parseAcceleratorFlag } from '../accelerator-option.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { openMatrixSink, openModelAndRows, outputName, registerMatrixCommand, type MatrixFlags } from './matrix-command.js';
import { codeColumns } from './matrix-output.js';
import { idTexts, noteTo, streamRows } from './row-stream.js';

/** Add `encode` to the program. */
export function registerEncode(program: Command, context: CommandContext): void {
  const help = {
    summary: 'write the latent codes of each row of DATA',
    description:
      'Write the latent codes of each row of DATA (scaled as in training) to a .csv (header z0, z1, ...), .npy or .parquet file, ' +
      'or as CSV to standard output with -o -. DATA of any size streams through in chunks.',
    output: 'CODES',
    accelerated: true,
  };
  registerMatrixCommand(program, context, 'encode', help, runEncode);
}

export async function runEncode(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const accelerator = parseAcceleratorFlag(flags);
  const { model, source } = await openModelAndRows(modelPath, data, flags, io);
  const inference = await openCommandInference(model, accelerator);
  try {
    const sink = await openMatrixSink(flags, source, codeColumns(model.latentDim), io);
    const rows = await streamRows(source, sink, io, flags.quiet === true, async (chunk) => ({
      text: idTexts(chunk),
      numbers: await inference.encode(chunk.x),
    }));
    noteTo(io, flags.output)(`wrote ${rows} codes of size ${model.latentDim}${engineNote(inference)} to ${outputName(flags.output)}\n`);
  } finally {
    await inference.close();
  }
  return 0;
}
