/**
 * Anomaly labels for `latent evaluate`: from an .npz archive's `y` array, a CSV column, or a file
 * with one label per row (`--labels`). Labels are checked before any training: one per row, each
 * 0 (normal) or 1 (anomaly), both classes present.
 */

import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Dataset } from '../../data/dataset.js';
import { isDelimitedTextPath } from '../../data/file-format.js';
import { STDIO } from '../../data/sources/byte-input.js';
import { LatentError } from '../../errors.js';

/** Load options that bring in the labels named by `--labels`. */
export type LabelSource = { readonly labelColumn: string } | { readonly labelsPath: string } | Record<string, never>;

const LABEL_FILE = /\.(npy|csv|tsv|idx\d?)$/i;

/**
 * `--labels` text → load options for `data`: an existing file holds one label per row; anything
 * else names a column of CSV data. A label-file name that does not exist, or a column name for
 * data without columns, fails here, naming `--labels`.
 *
 * @example
 * labelSource('is_anomaly', 'lab.csv');   // { labelColumn: 'is_anomaly' }
 * labelSource('y.npy', 'x.npy');          // { labelsPath: 'y.npy' } (when the file exists)
 */
export function labelSource(flag: string | undefined, data: string): LabelSource {
  if (flag === undefined) return {};
  const file = existsSync(flag) && statSync(flag).isFile();
  if (file && extname(flag) !== '') return { labelsPath: flag };
  const hint = 'pass a file with one 0/1 label per row (.npy or one-column .csv), or the name of a label column of CSV data';
  if (LABEL_FILE.test(flag)) throw new LatentError(`--labels ${flag}: no such file`, hint);
  // Standard input may hold CSV: its reader takes the column, or refuses it for NPY.
  if (!isDelimitedTextPath(data) && data !== STDIO) {
    throw new LatentError(
      `--labels ${flag}: there is no file of that name, and ${data} is not a CSV with a column to take it from`,
      `${hint}; an .npz archive gives its y array without --labels`,
    );
  }
  return { labelColumn: flag };
}

/** The file the labels came from when `--labels` named one, for messages; else undefined. */
export function labelsFile(source: LabelSource): string | undefined {
  return 'labelsPath' in source ? source.labelsPath : undefined;
}

/**
 * The dataset's labels, checked: present, 0/1, both classes. Errors name the labels' file (the
 * `--labels` file when there is one, else the data) and the row.
 *
 * @example
 * const labels = requireLabels(loadDataset('6_cardio.npz'));
 * requireLabels(loadDataset('6_cardio.npz', { labelsPath: 'y.npy' }), 'y.npy'); // errors name y.npy
 */
export function requireLabels(dataset: Dataset, file?: string): Float32Array {
  const { labels } = dataset;
  const source = file ?? dataset.source;
  if (labels === undefined) {
    throw new LatentError(
      `${source} has no labels to evaluate against`,
      'pass --labels COLUMN for a CSV, or --labels FILE with one 0/1 per row; an .npz archive uses its y array',
    );
  }
  let anomalies = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v !== 0 && v !== 1) {
      throw new LatentError(
        `${source}: the label of data row ${i} (counted from 0${file === undefined ? '' : `, for ${dataset.source}`}) is ${v}; labels must be 0 (normal) or 1 (anomaly)`,
        'map the labels to 0/1 first, e.g. 1 for the anomaly class and 0 for every other',
      );
    }
    anomalies += v;
  }
  if (anomalies === 0 || anomalies === labels.length) {
    throw new LatentError(
      `${source}: all ${labels.length} labels are ${anomalies === 0 ? '0 (normal)' : '1 (anomaly)'}, so there is nothing to rank`,
      'evaluate on data holding both normal rows (0) and anomalies (1)',
    );
  }
  return labels;
}
