/**
 * Steps several commands share: choosing the backend, loading input data with the CSV column
 * options, and checking that data fits a model before any work starts.
 */

import type { Backend } from '../backend/backend.js';
import { initBackend } from '../backend/registry.js';
import type { Dataset } from '../data/dataset.js';
import { isDelimitedTextPath } from '../data/file-format.js';
import type { LoadedDataset, LoadOptions } from '../data/node-loaders.js';
import { LatentError } from '../errors.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { parseBackendOption, parseNameList } from './options.js';

/** Options every data-reading command accepts. */
export interface DataFlags {
  readonly columns?: string;
  readonly labelColumn?: string;
}

/** Set up the backend named by `--backend` (or LATENT_BACKEND, or the fastest available). */
export async function setupBackend(flag: string | undefined): Promise<Backend> {
  return initBackend(flag === undefined ? undefined : parseBackendOption('--backend', flag));
}

/**
 * Refuse a CSV-only flag given for other data (.npy, .npz, IDX, mnist), naming the flag, before
 * any load: the loader itself only knows its option names.
 *
 * @example
 * refuseCsvFlags('6_cardio.npz', { '--columns': 'a,b' }); // throws: --columns applies to CSV data
 */
export function refuseCsvFlags(data: string, flags: Readonly<Record<string, string | undefined>>): void {
  if (hasNamedColumns(data)) return;
  const given = Object.keys(flags).filter((flag) => flags[flag] !== undefined);
  if (given.length === 0) return;
  throw new LatentError(
    `${given.join(' and ')} ${given.length === 1 ? 'applies' : 'apply'} to CSV data, not ${data}`,
    `drop ${given.join(' and ')}: a row of .npy, IDX or mnist data is used whole, and an .npz archive gives its X array as features and its y array as labels`,
  );
}

/**
 * Whether `data` may have named columns: CSV/TSV, Parquet, standard input (CSV unless it starts
 * like an .npy file) and globs of such files.
 *
 * @example
 * hasNamedColumns('parts/*.parquet'); // true
 */
export function hasNamedColumns(data: string): boolean {
  return isDelimitedTextPath(data) || data === '-' || /\.(parquet|pq)$/i.test(data);
}

/** Check a `--columns`/`--label-column` choice for `data` before the (possibly slow) load. */
export function loadOptions(flags: DataFlags, data: string): LoadOptions {
  refuseCsvFlags(data, { '--columns': flags.columns, '--label-column': flags.labelColumn });
  return {
    ...(flags.columns === undefined ? {} : { columns: parseNameList('--columns', flags.columns) }),
    ...(flags.labelColumn === undefined ? {} : { labelColumn: flags.labelColumn }),
  };
}

/**
 * A line naming the CSV columns the default feature set left out (ids, names, dates), or '' when
 * none were.
 *
 * @example
 * io.out(skippedColumnsNote(loadDataset('lab.csv'))); // 'lab.csv: left out the non-numeric column "id" (text); …'
 */
export function skippedColumnsNote(dataset: LoadedDataset): string {
  const skipped = dataset.skippedColumns ?? [];
  if (skipped.length === 0) return '';
  const list = skipped.map((c) => `"${c.name}" (${c.reason})`).join(', ');
  return `${dataset.source}: left out the non-numeric column${skipped.length === 1 ? '' : 's'} ${list}; choose the features with --columns\n`;
}

/** Fail with both counts when `data` does not have the model's input width. */
export function checkFeatures(data: Dataset, model: Autoencoder, modelPath: string): void {
  if (data.x.cols !== model.inputDim) {
    throw new LatentError(
      `${data.source} has ${data.x.cols} features per row, but the model ${modelPath} expects ${model.inputDim}`,
      'use data with the same columns as the training data (--columns picks CSV columns; --label-column keeps a label out)',
    );
  }
}
