/**
 * The inputs of commands that run an existing model: the MODEL argument, and the data read for it.
 *
 * - A MODEL that is not a readable .safetensors file fails with the loader's message plus a hint on
 *   the argument order, since `latent encode data.csv model.safetensors` is an easy slip.
 * - Data for a model trained on a CSV is read by the training column names (stored in the model's
 *   training summary) when `--columns` is not given; `--columns` always wins and stays strict.
 */

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { LoadOptions } from '../data/node-loaders.js';
import { LatentError } from '../errors.js';
import type { LoadedModel } from '../io/model-io.js';
import { loadModel } from '../io/model-node.js';
import { trainedCsvColumns } from '../io/training-summary.js';
import { hasNamedColumns, loadOptions, type DataFlags } from './common.js';

/**
 * The hint for a MODEL argument that is not a model file.
 *
 * @example
 * modelArgumentHint('the data'); // 'the first argument is the model file (.safetensors), the second the data'
 */
export function modelArgumentHint(second: string | null): string {
  return second === null
    ? 'the argument is a model file (.safetensors) written by latent train'
    : `the first argument is the model file (.safetensors), the second ${second}`;
}

/**
 * Whether the file starts like a safetensors file: an 8-byte little-endian header length that fits
 * in the file, then a JSON object.
 */
function looksLikeSafetensors(path: string): boolean {
  if (!existsSync(path) || statSync(path).isDirectory()) return false;
  const head = Buffer.alloc(9);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, head, 0, 9, 0) < 9) return false;
  } finally {
    closeSync(fd);
  }
  return head.readBigUInt64LE(0) <= BigInt(statSync(path).size - 8) && head[8] === 0x7b;
}

/**
 * Run `load(path)`; a LatentError from a path that does not end in .safetensors, or from a file
 * that is not safetensors data, gets the argument-order hint added. Errors about a real model
 * file (a newer format version, a missing tensor) and a missing .safetensors path pass unchanged.
 *
 * @example
 * const { model } = withModelHint('data.csv', 'the data', () => loadModel('data.csv')); // error hints at the order
 */
export function withModelHint<T>(path: string, second: string | null, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof LatentError)) throw error;
    const named = path.toLowerCase().endsWith('.safetensors');
    if (named && (!existsSync(path) || looksLikeSafetensors(path))) throw error;
    const hint = modelArgumentHint(second);
    throw new LatentError(error.message, error.hint === undefined ? hint : `${hint}; ${error.hint}`);
  }
}

/**
 * Load the model file named by a command's MODEL argument.
 *
 * @example
 * const loaded = loadModelArgument('cardio.safetensors'); // MODEL DATA commands
 * const info = loadModelArgument('m.safetensors', null);  // MODEL-only commands
 */
export function loadModelArgument(path: string, second: string | null = 'the data'): LoadedModel {
  return withModelHint(path, second, () => loadModel(path));
}

/**
 * Load options for DATA read by an existing model: `--columns` when given; else, for CSV data and a
 * model trained on a CSV, the training columns by name; else none.
 *
 * @example
 * loadDataset('lab.csv', modelDataOptions({}, 'lab.csv', loaded.training, 'm.safetensors')); // the training columns
 */
export function modelDataOptions(
  flags: DataFlags,
  data: string,
  training: Readonly<Record<string, unknown>> | null,
  modelPath: string,
): LoadOptions {
  const options = loadOptions(flags, data);
  if (flags.columns !== undefined || !hasNamedColumns(data)) return options;
  const columns = trainedCsvColumns(training);
  return columns === undefined ? options : { ...options, columns, columnsFrom: `the columns ${modelPath} was trained on` };
}
