/**
 * Node-only file access for data: `loadDataset` picks a parser by file extension (or a built-in
 * name), `saveMatrix` writes CSV or NPY atomically. All parsing lives in the browser-safe files;
 * this file only reads and writes bytes.
 *
 * Recognised inputs: `.csv`, `.tsv` (and `.csv.gz`, `.tsv.gz`), `.npy`, `.npz`, IDX files
 * (`.idx`, `.idx1`–`.idx4`, names ending in `ubyte`, and any other `.gz`), and the built-in names
 * `mnist` / `mnist:train` and `mnist:test`.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { LatentError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { CsvDataset, CsvOptions } from './csv.js';
import { parseCsv } from './csv.js';
import type { ExtraColumn } from './csv-writer.js';
import { encodeCsv } from './csv-writer.js';
import type { Dataset } from './dataset.js';
import { dataFormatOfName, type DataFormat } from './file-format.js';
import { gunzipBounded } from './bounded-inflate.js';
import { parseIdx } from './idx.js';
import type { Matrix } from './matrix.js';
import type { NdArray } from './ndarray.js';
import { datasetFromArrays, formatNumpyShape } from './ndarray.js';
import { loadMnist } from './node-mnist.js';
import { encodeNpy, parseNpy } from './npy.js';
import type { NpzOptions } from './npz.js';
import { datasetFromNpz } from './npz.js';

export interface LoadOptions extends CsvOptions, NpzOptions {
  /**
   * A second file with one label per row (NPY, IDX or a one-column CSV), for formats that keep
   * labels apart from the features, such as MNIST's IDX files.
   */
  readonly labelsPath?: string;
}

export interface SaveOptions {
  /** Replace an existing file (otherwise an existing file is an error). */
  readonly overwrite?: boolean;
  /** CSV only: one name per matrix column. */
  readonly header?: readonly string[];
  /** CSV only: columns appended after the matrix (scores, labels, …). */
  readonly extraColumns?: readonly ExtraColumn[];
}

/** A loaded dataset; from a CSV without `columns`, also the columns left out as text or timestamps. */
export type LoadedDataset = Dataset & Pick<CsvDataset, 'skippedColumns'>;

export const SUPPORTED_INPUTS =
  '.csv, .tsv, .csv.gz, .tsv.gz, .npy, .npz, .idx, .gz (IDX), *ubyte (IDX), or the built-in names mnist and mnist:test';

/**
 * Load a dataset from a file, choosing the parser by extension, or a built-in dataset by name.
 *
 * @example
 * const cardio = loadDataset('data/6_cardio.npz');              // X as features, y as labels
 * const series = loadDataset('temp.csv', { timestampColumn: 'timestamp' });
 */
export function loadDataset(pathOrName: string, options: LoadOptions = {}): LoadedDataset {
  const builtin = pathOrName.toLowerCase();
  if (builtin === 'mnist' || builtin === 'mnist:train' || builtin === 'mnist:test') {
    checkOptions('mnist', options, pathOrName);
    const split = loadMnist();
    return builtin === 'mnist:test' ? split.test : split.train;
  }
  const format = formatOf(pathOrName);
  checkOptions(format, options, pathOrName);
  const bytes = readBytes(pathOrName);
  const dataset = parseByFormat(format, bytes, pathOrName, options);
  if (options.labelsPath === undefined) return dataset;
  return { ...dataset, labels: labelsFor(readLabels(options.labelsPath), dataset.x.rows, options.labelsPath, pathOrName) };
}

/**
 * Write a matrix as `.csv` or `.npy` (by extension), atomically; an existing file is only replaced
 * with `overwrite: true`.
 *
 * @example
 * saveMatrix('codes.npy', encoded);
 * saveMatrix('scores.csv', x, { header: ds.columns, extraColumns: [{ name: 'score', values: s }] });
 */
export function saveMatrix(path: string, m: Matrix, options: SaveOptions = {}): void {
  const ext = extname(path).toLowerCase();
  const write = { overwrite: options.overwrite ?? false };
  if (ext === '.csv') {
    writeFileAtomic(path, encodeCsv(m, options.header, options.extraColumns), write);
  } else if (ext === '.npy') {
    if (options.header !== undefined || options.extraColumns !== undefined) {
      throw new LatentError(
        `${path}: column names and extra columns can only be written to CSV`,
        'save as .csv, or drop the header and extra columns',
      );
    }
    writeFileAtomic(path, encodeNpy(m), write);
  } else {
    throw new LatentError(
      `${path}: cannot write "${ext || basename(path)}" files; supported outputs are .csv and .npy`,
      'choose an output path ending in .csv or .npy',
    );
  }
}

function formatOf(path: string): DataFormat {
  const name = basename(path).toLowerCase();
  const format = dataFormatOfName(name);
  if (format !== null) return format;
  const ext = extname(name);
  throw new LatentError(
    `${path}: unknown file type ${ext === '' ? '(no extension)' : `"${ext}"`}; supported are ${SUPPORTED_INPUTS}`,
    'convert the data to CSV or NPY, or rename the file with the extension that matches its contents',
  );
}

function readBytes(path: string): Uint8Array {
  if (!existsSync(path)) {
    throw new LatentError(`${path}: no such file`, 'check the path (relative paths start from the current directory)');
  }
  if (statSync(path).isDirectory()) {
    throw new LatentError(`${path}: is a directory, not a data file`, `pass a file: ${SUPPORTED_INPUTS}`);
  }
  const buffer = readFileSync(path);
  // A plain Uint8Array view: Buffer's slice() shares memory, which the parsers must not rely on.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function parseByFormat(format: DataFormat, bytes: Uint8Array, source: string, options: LoadOptions): LoadedDataset {
  switch (format) {
    case 'csv':
    case 'tsv': {
      const text = new TextDecoder('utf-8').decode(source.toLowerCase().endsWith('.gz') ? gunzip(bytes, source) : bytes);
      const csv = format === 'tsv' && options.delimiter === undefined ? { ...options, delimiter: '\t' as const } : options;
      return parseCsv(text, csv, source);
    }
    case 'npy':
      return datasetFromArrays(parseNpy(bytes, source), source);
    case 'npz':
      return datasetFromNpz(bytes, source, options);
    case 'idx':
      return datasetFromArrays(parseIdx(bytes, source), source);
    case 'parquet':
      throw new LatentError(
        `${source}: Parquet files are read asynchronously, by row groups`,
        'use loadRows (or openRowSource for data of any size) from latent/node',
      );
  }
}

function readLabels(path: string): NdArray {
  const format = formatOf(path);
  const bytes = readBytes(path);
  if (format === 'npy') return parseNpy(bytes, path);
  if (format === 'idx') return parseIdx(bytes, path);
  if (format === 'csv' || format === 'tsv') {
    const ds = parseByFormat(format, bytes, path, {});
    return { matrix: ds.x, shape: [ds.x.rows, ds.x.cols], dtype: '<f4' };
  }
  throw new LatentError(
    `${path}: labels must come from an .npy, IDX or one-column .csv file`,
    'save the labels as a 1-D array with numpy.save',
  );
}

function labelsFor(labels: NdArray, rows: number, labelsPath: string, source: string): Float32Array {
  if (labels.matrix.cols !== 1 || labels.matrix.rows !== rows) {
    throw new LatentError(
      `${labelsPath}: holds labels of shape ${formatNumpyShape(labels.shape)}, but ${source} has ${rows} rows`,
      `the labels file needs exactly one value per sample (${rows} values)`,
    );
  }
  return labels.matrix.data;
}

function checkOptions(format: DataFormat | 'mnist', options: LoadOptions, source: string): void {
  const csvOnly = (['header', 'delimiter', 'columns', 'columnsFrom', 'labelColumn', 'timestampColumn'] as const).filter(
    (k) => options[k] !== undefined,
  );
  const npzOnly = (['featureArray', 'labelArray'] as const).filter((k) => options[k] !== undefined);
  const misplaced: string[] = [...(format === 'csv' || format === 'tsv' ? [] : csvOnly), ...(format === 'npz' ? [] : npzOnly)];
  if (format === 'mnist' && options.labelsPath !== undefined) misplaced.push('labelsPath');
  if (misplaced.length > 0) {
    throw new LatentError(
      `${source}: option ${misplaced.join(', ')} does not apply to ${format.toUpperCase()} data`,
      'remove the option, or pass a file of the format it applies to',
    );
  }
  if (options.labelsPath !== undefined && (options.labelColumn !== undefined || options.labelArray !== undefined)) {
    throw new LatentError(`${source}: labels are given twice (labelsPath and a label column/array)`, 'keep only one source of labels');
  }
}

/** Streamed, so the size a gzip trailer claims (up to 4 GiB) is never allocated up front. */
function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  return gunzipBounded(bytes, source, () => undefined, 'decompress the file again or re-download it');
}
