/**
 * `latent decode MODEL CODES -o OUT`: map latent codes (one row each, e.g. from `latent encode`)
 * back to data space, in the training data's units. A CSV output carries the training data's
 * column names when the model stored them.
 */

import type { Command } from 'commander';
import { loadDataset } from '../../data/node-loaders.js';
import { LatentError } from '../../errors.js';
import { setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { loadModelArgument } from '../model-input.js';
import { checkMatrixOutput } from '../outputs.js';
import type { MatrixFlags } from './matrix-command.js';
import { featureColumns, writeMatrix } from './matrix-output.js';

type DecodeFlags = Omit<MatrixFlags, 'columns' | 'labelColumn'>;

/** Add `decode` to the program. */
export function registerDecode(program: Command, context: CommandContext): void {
  program
    .command('decode')
    .summary('map latent codes back to data space')
    .description("Map latent codes (one row each, as written by latent encode) back to data space, in the training data's units.")
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .argument('<CODES>', 'codes file (.csv or .npy), one column per latent dimension')
    .requiredOption('-o, --output <OUT>', 'output file, .csv or .npy')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, codes: string, flags: DecodeFlags) => {
      context.setExitCode(await runDecode(model, codes, flags, context.io));
    });
}

export async function runDecode(modelPath: string, codesPath: string, flags: DecodeFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  checkMatrixOutput(flags.output, force);
  await setupBackend(flags.backend);
  const { model, training } = loadModelArgument(modelPath, 'the codes');
  const codes = loadDataset(codesPath).x;
  if (codes.cols !== model.latentDim) {
    throw new LatentError(
      `${codesPath} has ${codes.cols} values per row, but the model ${modelPath} has latent size ${model.latentDim}`,
      `pass codes written by "latent encode ${modelPath} ..." (${model.latentDim} columns)`,
    );
  }
  const out = model.decode(codes);
  writeMatrix(flags.output, out, featureColumns(training, out.cols), force);
  io.out(`wrote ${out.rows} decoded rows of ${out.cols} features to ${flags.output}\n`);
  return 0;
}
