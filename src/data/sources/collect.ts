/**
 * Gather every chunk of a row source into one in-memory Dataset: for data known to be small
 * (the in-memory training path, labels for metrics). Browser-safe.
 */

import { LatentError } from '../../errors.js';
import type { SkippedColumn } from '../csv.js';
import type { Dataset } from '../dataset.js';
import { matrix } from '../matrix.js';
import type { RowSource } from './row-source.js';

/** A Dataset holding every row of `source`, plus its ids when it has an id column. */
export interface CollectedRows extends Dataset {
  readonly ids?: readonly string[];
  /** CSV/Parquet columns the default feature set left out. */
  readonly skippedColumns?: readonly SkippedColumn[];
}

/**
 * Read `source` whole.
 *
 * @example
 * const ds = await collectRows(openRowSource('data.csv')); // ds.x holds every row
 */
export async function collectRows(source: RowSource): Promise<CollectedRows> {
  const cols = source.columns.length;
  let values = new Float32Array(Math.max(1, (source.rows ?? 1024) * cols));
  let rows = 0;
  const labels: number[] = [];
  const timestamps: number[] = [];
  const ids: string[] = [];
  for await (const chunk of source.chunks()) {
    const needed = (rows + chunk.x.rows) * cols;
    if (needed > values.length) {
      const grown = new Float32Array(Math.max(needed, values.length * 2));
      grown.set(values.subarray(0, rows * cols));
      values = grown;
    }
    values.set(chunk.x.data, rows * cols);
    if (chunk.labels !== undefined) for (const v of chunk.labels) labels.push(v);
    if (chunk.timestamps !== undefined) for (const t of chunk.timestamps) timestamps.push(t);
    if (chunk.ids !== undefined) for (const id of chunk.ids) ids.push(id);
    rows += chunk.x.rows;
  }
  if (rows === 0) throw new LatentError(`${source.source}: contains no samples`, 'check that the input holds data rows, not only a header');
  return {
    x: matrix(values.length === rows * cols ? values : values.slice(0, rows * cols), rows, cols),
    columns: [...source.columns],
    source: source.source,
    ...(source.hasLabels ? { labels: Float32Array.from(labels) } : {}),
    ...(source.hasTimestamps ? { timestamps } : {}),
    ...(source.idColumn === undefined ? {} : { ids }),
    ...(source.sampleShape === undefined ? {} : { sampleShape: source.sampleShape }),
    ...(source.skippedColumns === undefined ? {} : { skippedColumns: source.skippedColumns }),
  };
}
