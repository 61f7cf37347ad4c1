/**
 * The playground's data: the built-in digits or an uploaded CSV file, as one `WireDataset` the
 * page keeps (to draw samples) and posts to the worker (to train on).
 *
 * CSV rules are the library's (`parseCsv`): numeric feature columns, a header detected
 * automatically, text columns skipped; bad cells stop with the row and column named. A column
 * called `label`, `class`, `target` or `y` colours the scatter and is kept out of the features.
 */

import { parseCsv, type CsvDataset } from '../../src/data/index.js';
import { isLatentError, LatentError } from '../../src/errors.js';
import { decodeMnistAsset } from './mnist-asset.js';
import type { WireDataset } from './protocol.js';

/** The asset `npm run build:web` writes next to the page. */
export const MNIST_ASSET = 'mnist-sample.bin';

const LABEL_NAMES = ['label', 'class', 'target', 'y'];

/**
 * The first `count` built-in digits (classes interleaved, so any prefix is balanced).
 *
 * @example
 * const digits = await loadBuiltIn(2000); // 2000 × 784, labels 0–9
 */
export async function loadBuiltIn(count: number): Promise<WireDataset> {
  const response = await fetch(MNIST_ASSET);
  if (!response.ok) throw new Error(`${MNIST_ASSET}: HTTP ${response.status} (build the playground with npm run build:web)`);
  const digits = decodeMnistAsset(new Uint8Array(await response.arrayBuffer()), MNIST_ASSET);
  const n = Math.max(1, Math.min(count, digits.count));
  const size = digits.height * digits.width;
  return {
    source: `built-in digits (${n} of ${digits.count})`,
    x: digits.pixels.slice(0, n * size),
    rows: n,
    cols: size,
    columns: Array.from({ length: size }, (_, i) => `x${i}`),
    labels: digits.labels.slice(0, n),
    imageShape: [digits.height, digits.width],
  };
}

/**
 * Parse an uploaded CSV file; throws the library's LatentError naming the row and column of a
 * bad cell.
 *
 * @example
 * const table = csvDataset('a,b\n1,2\n3,4\n', 'table.csv'); // 2 rows × 2 columns
 */
export function csvDataset(text: string, name: string): WireDataset {
  try {
    return readCsv(text, name);
  } catch (error) {
    // The library's hints name command-line options; in the page the fix is in the file.
    if (isLatentError(error) && error.hint?.includes('--columns') === true) {
      throw new LatentError(error.message, 'fix the cell, or remove columns that are not numbers from the file');
    }
    throw error;
  }
}

function readCsv(text: string, name: string): WireDataset {
  let parsed: CsvDataset = parseCsv(text, {}, name);
  const label = parsed.columns.find((c) => LABEL_NAMES.includes(c.toLowerCase()));
  if (label !== undefined) parsed = parseCsv(text, { labelColumn: label }, name);
  return {
    source: name,
    x: parsed.x.data,
    rows: parsed.x.rows,
    cols: parsed.x.cols,
    columns: parsed.columns,
    labels: parsed.labels ?? null,
    imageShape: null,
  };
}

/** One row of `data` as its own array. */
export function sampleRow(data: WireDataset, row: number): Float32Array {
  return data.x.slice(row * data.cols, (row + 1) * data.cols);
}
