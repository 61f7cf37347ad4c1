/**
 * Reading DATA whole for the commands that need every row at once (`train`, `sweep`,
 * `evaluate DATA`): small files through the in-memory loaders, exactly as before; large files,
 * Parquet, globs and standard input through the chunked row sources, gathered into memory. That
 * lifts the limits of a whole-file read (a CSV over 512 MiB, an .npy over 2 GiB) for data that
 * fits in memory once parsed.
 */

import { statSync } from 'node:fs';
import { dataFormatOfName } from '../data/file-format.js';
import { loadDataset, type LoadedDataset, type LoadOptions } from '../data/node-loaders.js';
import { collectRows } from '../data/sources/collect.js';
import { isGlob, openRowSource } from '../data/sources/open-source.js';
import type { Io } from './io.js';

/** Files up to this size are read whole by the in-memory loaders. */
export const IN_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * Load all of `data`.
 *
 * @example
 * const dataset = await readDataset('big.npy', {}, io); // 3 GB: read in chunks, kept in memory
 */
export async function readDataset(data: string, options: LoadOptions, io: Io): Promise<LoadedDataset> {
  const format = dataFormatOfName(data.toLowerCase().split('/').at(-1) ?? '');
  const chunked =
    data === '-' ||
    isGlob(data) ||
    format === 'parquet' ||
    ((format === 'csv' || format === 'tsv' || format === 'npy' || format === 'npz') && sizeOf(data) > IN_MEMORY_BYTES);
  if (!chunked) return loadDataset(data, options);
  return collectRows(await openRowSource(data, { ...options, ...(io.inStream === undefined ? {} : { stdin: io.inStream }) }));
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the loader reports the missing file
  }
}
