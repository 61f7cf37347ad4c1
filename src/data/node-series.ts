/**
 * Reading a time series: a CSV whose rows are time steps (NODE ONLY: it peeks at the file's
 * header). The timestamp column is the one named, or a column named `timestamp` when the header
 * has one (as NAB files do); the other numeric columns are the channels, or `channels` (the
 * columns a series model was trained on) when no columns are named.
 */

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { firstLineHasColumn } from './csv.js';
import type { Dataset } from './dataset.js';
import { loadDataset, type LoadOptions } from './node-loaders.js';

/** The column name used as timestamps when the header has it and no other is named. */
export const DEFAULT_TIMESTAMP_COLUMN = 'timestamp';

export interface SeriesLoadOptions extends Pick<LoadOptions, 'labelColumn' | 'labelsPath'> {
  /** Column of dates/times (default: `timestamp` when a CSV header has it). */
  readonly timestampColumn?: string;
  /** Feature columns to read (default: `channels` for a CSV, else all numeric columns). */
  readonly columns?: readonly string[];
  /** The columns a series model was trained on. */
  readonly channels?: readonly string[];
}

/** Whether the header line of a plain .csv/.tsv file has a column named `timestamp`. */
function headerHasTimestamp(path: string): boolean {
  if (!/\.(csv|tsv)$/i.test(path) || !existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return firstLineHasColumn(buffer.subarray(0, read).toString('utf8'), DEFAULT_TIMESTAMP_COLUMN);
  } finally {
    closeSync(fd);
  }
}

/**
 * Load a series from `path`.
 *
 * @example
 * loadSeries('art_daily_jumpsup.csv'); // timestamps from "timestamp", channel "value"
 */
export function loadSeries(path: string, options: SeriesLoadOptions = {}): Dataset {
  const csv = /\.(csv|tsv)(\.gz)?$/i.test(path);
  const { timestampColumn: named, columns: asked, channels, ...labels } = options;
  const timestampColumn = named ?? (headerHasTimestamp(path) ? DEFAULT_TIMESTAMP_COLUMN : undefined);
  const columns = asked ?? (csv ? channels : undefined);
  const load: LoadOptions = {
    ...(timestampColumn === undefined ? {} : { timestampColumn }),
    ...(columns === undefined ? {} : { columns }),
    ...labels,
  };
  return loadDataset(path, load);
}
