/**
 * `latent reduce MODEL DATA -o CODES`: dimensionality reduction with a trained model — the latent
 * codes of every row (as `encode` writes them), plus how much of the data the codes keep: the
 * reconstruction error per feature and the fraction of variance explained, in the model's scaled
 * units.
 */

import type { Command } from 'commander';
import { loadDataset } from '../../data/node-loaders.js';
import type { Matrix } from '../../data/matrix.js';
import { applyScaler } from '../../data/scaler.js';
import { loadModel } from '../../io/model-node.js';
import { AutoencoderReducer } from '../../tasks/reducer.js';
import { checkFeatures, loadOptions, setupBackend } from '../common.js';
import type { CommandContext } from '../context.js';
import { formatLoss } from '../format.js';
import type { Io } from '../io.js';
import { checkMatrixOutput } from '../outputs.js';
import type { MatrixFlags } from './encode.js';
import { codeColumns, writeMatrix } from './matrix-output.js';

/** Add `reduce` to the program. */
export function registerReduce(program: Command, context: CommandContext): void {
  program
    .command('reduce')
    .summary('reduce each row of DATA to its latent codes, and report what they keep')
    .description(
      'Write the latent codes of each row of DATA to a .csv (header z0, z1, ...) or .npy file, and print the ' +
        "reconstruction error per feature and the fraction of variance the codes explain (in the model's scaled units).\n\n" +
        'MODEL comes from latent train (choose the code size there with --latent; latent sweep helps pick it).',
    )
    .argument('<MODEL>', 'model file (.safetensors) written by latent train')
    .argument('<DATA>', 'data with the same columns as the training data')
    .requiredOption('-o, --output <CODES>', 'output file, .csv or .npy')
    .option('--columns <names>', 'CSV only: feature columns to use, comma-separated')
    .option('--label-column <name>', 'CSV only: a label column to leave out')
    .option('--backend <name>', 'js or wasm (default: LATENT_BACKEND, else the fastest available)')
    .option('-f, --force', 'replace an existing output file')
    .action(async (model: string, data: string, flags: MatrixFlags) => {
      context.setExitCode(await runReduce(model, data, flags, context.io));
    });
}

export async function runReduce(modelPath: string, data: string, flags: MatrixFlags, io: Io): Promise<number> {
  const force = flags.force === true;
  checkMatrixOutput(flags.output, force);
  const options = loadOptions(flags);
  await setupBackend(flags.backend);
  const { model } = loadModel(modelPath);
  const dataset = loadDataset(data, options);
  checkFeatures(dataset, model, modelPath);
  const reducer = AutoencoderReducer.fromModel(model);
  const codes = reducer.transform(dataset.x);
  writeMatrix(flags.output, codes, codeColumns(codes.cols), force);
  const error = meanOf(model.reconstructionError(dataset.x));
  const scaled = model.scaler === null ? dataset.x : applyScaler(model.scaler, dataset.x);
  const explained = 1 - error / totalVariance(scaled);
  io.out(
    `wrote ${codes.rows} codes of size ${codes.cols} (from ${dataset.x.cols} features) to ${flags.output}\n` +
      `reconstruction MSE per feature ${formatLoss(error)}, variance explained ${(100 * explained).toFixed(1)}% (scaled units)\n`,
  );
  return 0;
}

function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Mean squared deviation from the column means, per feature: the error of predicting the mean. */
function totalVariance(x: Matrix): number {
  const means = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) for (let c = 0; c < x.cols; c++) means[c]! += x.data[r * x.cols + c]!;
  for (let c = 0; c < x.cols; c++) means[c]! /= x.rows;
  let s = 0;
  for (let r = 0; r < x.rows; r++) for (let c = 0; c < x.cols; c++) s += (x.data[r * x.cols + c]! - means[c]!) ** 2;
  return s / (x.rows * x.cols);
}
