/**
 * The smallest row source: a Dataset already in memory, served in chunks (views, no copies).
 * Browser-safe. It is what keeps small data and the playground on the same code path as files.
 */

import type { Dataset } from '../dataset.js';
import { matrix } from '../matrix.js';
import { chunkRowsOf, type BlockAccess, type RowChunk, type RowSource } from './row-source.js';

/** Extra per-row data an in-memory source can carry. */
export interface MatrixSourceExtras {
  readonly ids?: readonly string[];
  readonly idColumn?: string;
}

/**
 * A RowSource over `dataset` (its labels and timestamps ride along).
 *
 * @example
 * for await (const chunk of matrixSource(ds).chunks({ chunkRows: 256 })) model.encode(chunk.x);
 */
export function matrixSource(dataset: Dataset, extras: MatrixSourceExtras = {}, blockRows = 65536): RowSource {
  const { x } = dataset;
  const slice = (start: number, end: number): RowChunk => ({
    x: matrix(x.data.subarray(start * x.cols, end * x.cols), end - start, x.cols),
    start,
    ...(extras.ids === undefined ? {} : { ids: extras.ids.slice(start, end) }),
    ...(dataset.labels === undefined ? {} : { labels: dataset.labels.subarray(start, end) }),
    ...(dataset.timestamps === undefined ? {} : { timestamps: dataset.timestamps.slice(start, end) }),
  });
  const blocks: BlockAccess = {
    count: Math.ceil(x.rows / blockRows),
    blockRows,
    read: (index) => Promise.resolve(slice(index * blockRows, Math.min(x.rows, (index + 1) * blockRows))),
  };
  let consumed = 0;
  return {
    source: dataset.source,
    columns: dataset.columns,
    rows: x.rows,
    totalBytes: x.data.byteLength,
    hasLabels: dataset.labels !== undefined,
    hasTimestamps: dataset.timestamps !== undefined,
    rereadable: true,
    blocks,
    ...(extras.idColumn === undefined ? {} : { idColumn: extras.idColumn }),
    ...(dataset.sampleShape === undefined ? {} : { sampleShape: dataset.sampleShape }),
    bytesRead: () => consumed,
    async *chunks(request) {
      const step = chunkRowsOf(request, x.cols);
      for (let start = 0; start < x.rows; start += step) {
        const end = Math.min(x.rows, start + step);
        consumed = end * x.cols * 4;
        yield slice(start, end);
      }
    },
  };
}
