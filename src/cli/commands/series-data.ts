/**
 * Time series for `latent train --window`, `latent score` and `latent evaluate`: the series flags
 * turned into load options (the data layer's `loadSeries` reads the file), and timestamps written
 * back in the form the CSV loader reads.
 */

import type { Dataset } from '../../data/dataset.js';
import { loadSeries } from '../../data/node-series.js';
import { parseNameList } from '../options.js';
import type { LabelSource } from './labels.js';

export interface SeriesFlags {
  readonly columns?: string;
  readonly timestampColumn?: string;
}

/**
 * Load a series; `channels` (the columns a series model was trained on) picks the feature columns
 * of a CSV when `--columns` is not given.
 *
 * @example
 * readSeries('art_daily_jumpsup.csv', {}); // timestamps from "timestamp", channel "value"
 */
export function readSeries(path: string, flags: SeriesFlags, channels?: readonly string[], labels: LabelSource = {}): Dataset {
  return loadSeries(path, {
    ...(flags.timestampColumn === undefined ? {} : { timestampColumn: flags.timestampColumn }),
    ...(flags.columns === undefined ? {} : { columns: parseNameList('--columns', flags.columns) }),
    ...(channels === undefined ? {} : { channels }),
    ...labels,
  });
}

/**
 * A timestamp (ms since the epoch) as `YYYY-MM-DD HH:MM:SS[.sss]` in UTC — the form the CSV loader
 * reads back as the same instant.
 *
 * @example
 * formatTimestamp(Date.parse('2014-04-10T16:15:00Z')); // '2014-04-10 16:15:00'
 */
export function formatTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$/, '')
    .replace(/Z$/, '');
}
