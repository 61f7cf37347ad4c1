/**
 * Reading a time series for `latent train --window` and `latent score`: a CSV whose rows are time
 * steps. The timestamp column is `--timestamp-column`, or a column named `timestamp` when the
 * header has one (as NAB files do); the other numeric columns are the channels, or the columns a
 * series model was trained on.
 */

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { Dataset } from '../../data/dataset.js';
import type { LoadOptions } from '../../data/node-loaders.js';
import { loadDataset } from '../../data/node-loaders.js';
import { parseNameList } from '../options.js';
import type { LabelSource } from './labels.js';

export interface SeriesFlags {
  readonly columns?: string;
  readonly timestampColumn?: string;
}

/** The column name used as timestamps when the header has it and no other is named. */
export const DEFAULT_TIMESTAMP_COLUMN = 'timestamp';

/** Whether the header line of a plain .csv/.tsv file has a column named `timestamp`. */
function headerHasTimestamp(path: string): boolean {
  if (!/\.(csv|tsv)$/i.test(path) || !existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const firstLine = buffer.subarray(0, read).toString('utf8').replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
    return firstLine.split(/[,;\t]/).some((cell) => cell.trim().replace(/^"(.*)"$/, '$1') === DEFAULT_TIMESTAMP_COLUMN);
  } finally {
    closeSync(fd);
  }
}

/**
 * Load a series; `channels` (the columns a series model was trained on) picks the feature columns
 * of a CSV when `--columns` is not given.
 *
 * @example
 * loadSeries('art_daily_jumpsup.csv', {}); // timestamps from "timestamp", channel "value"
 */
export function loadSeries(path: string, flags: SeriesFlags, channels?: readonly string[], labels: LabelSource = {}): Dataset {
  const csv = /\.(csv|tsv)(\.gz)?$/i.test(path);
  const timestampColumn = flags.timestampColumn ?? (headerHasTimestamp(path) ? DEFAULT_TIMESTAMP_COLUMN : undefined);
  const columns = flags.columns === undefined ? (csv ? channels : undefined) : parseNameList('--columns', flags.columns);
  const options: LoadOptions = {
    ...(timestampColumn === undefined ? {} : { timestampColumn }),
    ...(columns === undefined ? {} : { columns }),
    ...labels,
  };
  return loadDataset(path, options);
}

/**
 * A timestamp (ms since the epoch) as `YYYY-MM-DD HH:MM:SS[.sss]` in UTC — the form the CSV loader
 * reads back as the same instant.
 *
 * @example
 * formatTimestamp(Date.parse('2014-04-10T16:15:00Z')); // '2014-04-10 16:15:00'
 */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
}
